import FluentKit
import Foundation
import KechuangCore

/// 分类认定 applications: filed with what the engine computed; confirmed (possibly in another class, e.g. under the
/// "相当于" clause, with a reason) or rejected by the talent office. A confirmation sets the talent's class; a change
/// of class revokes the codes that carry the old one.
public struct TalentClassificationStore: Sendable {
    let db: any Database
    public init(db: any Database) { self.db = db }

    public enum Decision: String, Sendable { case confirm, reject }

    struct Snapshot: Codable {
        let state: String
        let computedCategory: String?
        let decidedCategory: String?
        let reason: String?
        let ruleBaseVersion: String
        let decisionVersion: String?
        init(_ r: TalentClassificationRecord) {
            state = r.state
            computedCategory = r.computedCategory
            decidedCategory = r.decidedCategory
            reason = r.decisionReason
            ruleBaseVersion = r.ruleBaseVersion
            decisionVersion = r.decisionVersion
        }
    }

    public func apply(_ t: TalentRecord, result: TalentClassification, inputs: [String: Value], note: String, actor: Actor) async throws -> TalentClassificationRecord {
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 1000 else { throw ValidationErrors([.invalid("note", "field.too_long", ["max": "1000"])]) }
        return try await db.transaction { tx in
            if try await TalentClassificationRecord.query(on: tx).filter(\.$talent.$id == t.id!).filter(\.$state == "submitted").count() > 0 {
                throw ValidationErrors([.invalid("note", "talent.classification_pending")])
            }
            let r = TalentClassificationRecord()
            r.$talent.id = t.id!
            r.state = "submitted"
            r.computedCategory = result.category?.rawValue
            r.criteriaMet = result.classes.flatMap { $0.met.map(\.rule.id) }.joined(separator: ",")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            r.inputsJSON = String(decoding: try encoder.encode(inputs.mapValues(\.description)), as: UTF8.self)
            r.ruleBaseVersion = result.ruleBaseVersion
            r.applicantNote = text
            try await r.create(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "talent_classification.submit", entityType: "talent_classification",
                                        entityID: r.id!.uuidString, before: Optional<Snapshot>.none, after: Snapshot(r))
            return r
        }
    }

    public func find(_ id: UUID) async throws -> TalentClassificationRecord? {
        try await TalentClassificationRecord.query(on: db).filter(\.$id == id).with(\.$talent).first()
    }

    public func of(talentID: UUID) async throws -> [TalentClassificationRecord] {
        try await TalentClassificationRecord.query(on: db).filter(\.$talent.$id == talentID).sort(\.$createdAt, .descending).all()
    }

    public func list(state: String?, page: PageQuery) async throws -> PagedList<TalentClassificationRecord> {
        let q = TalentClassificationRecord.query(on: db)
        if let state { q.filter(\.$state == state) }
        let total = try await q.count()
        let items = try await q.copy().with(\.$talent).sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return PagedList(items: items, request: page, total: total)
    }

    /// Confirms (in `category`, the computed class by default) or rejects, with a reason; stores the serving rule-base version.
    @discardableResult
    public func decide(_ id: UUID, _ decision: Decision, category: TalentCategory?, reason: String, ruleBaseVersion: String, today: Day,
                       now: Date = Date(), actor: Actor) async throws -> TalentClassificationRecord {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationErrors([.invalid("reason", "field.required")]) }
        guard text.count <= 1000 else { throw ValidationErrors([.invalid("reason", "field.too_long", ["max": "1000"])]) }
        return try await db.transaction { tx in
            guard let r = try await TalentClassificationRecord.query(on: tx).filter(\.$id == id).with(\.$talent).first() else {
                throw DomainError.notFound("talent_classification")
            }
            guard r.state == "submitted" else { throw ValidationErrors([.invalid("decision", "talent.classification_decided")]) }
            let before = Snapshot(r)
            r.decisionReason = text
            r.decisionVersion = ruleBaseVersion
            r.decidedByName = actor.name
            r.decidedAt = now
            if decision == .confirm {
                guard let c = category ?? r.computedCategory.flatMap(TalentCategory.init(rawValue:)) else {
                    throw ValidationErrors([.invalid("category", "talent.category_required")])
                }
                r.state = "confirmed"
                r.decidedCategory = c.rawValue
                let t = r.talent
                if t.category != c.rawValue {
                    try await TalentCodeStore.revokeLive(talentID: t.id!, reason: "class_changed", now: now, on: tx)
                    t.category = c.rawValue
                    t.categorySince = today.description
                }
                t.categoryVersion = ruleBaseVersion
                try await t.update(on: tx)
            } else {
                r.state = "rejected"
            }
            try await r.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "talent_classification.\(decision.rawValue)", entityType: "talent_classification",
                                        entityID: id.uuidString, before: before, after: Snapshot(r))
            return r
        }
    }

    /// Withdraws a talent's class (left Ordos, integrity sanction …): codes revoked, reason audited.
    public func withdraw(talent t: TalentRecord, reason: String, now: Date = Date(), actor: Actor) async throws {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationErrors([.invalid("reason", "field.required")]) }
        guard t.category != nil else { throw ValidationErrors([.invalid("reason", "talent.not_classified")]) }
        try await db.transaction { tx in
            let before = ["category": t.category ?? "", "since": t.categorySince ?? ""]
            try await TalentCodeStore.revokeLive(talentID: t.id!, reason: "class_withdrawn", now: now, on: tx)
            t.category = nil
            t.categorySince = nil
            try await t.update(on: tx)
            try await AuditTrail.record(on: tx, actor: actor, action: "talent.category_withdraw", entityType: "talent", entityID: t.id!.uuidString,
                                        before: before, after: ["category": "", "reason": String(text.prefix(500))])
        }
    }
}
