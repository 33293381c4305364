import FluentKit
import Foundation
import KechuangCore

/// Loads the structured policy text into the database and reads it back for the policy pages.
public struct PolicyTextStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    /// Loads a document, its responsible departments and the indicator targets, in one transaction.
    /// Idempotent: a document already present is left as it is.
    @discardableResult
    public func load(_ doc: PolicyDocument, targets: [IndicatorTarget], actor: Actor) async throws -> Bool {
        try doc.validate()
        if try await PolicyDocumentRecord.find(doc.id, on: db) != nil { return false }
        try await db.transaction { tx in
            let prose = doc.chapters.filter { $0.articles.isEmpty }.map { ChapterProse(number: $0.number, numeral: $0.numeral, title: $0.title, text: $0.text) }
            let record = PolicyDocumentRecord(id: doc.id, title: doc.title, status: doc.status, basis: doc.basis.joined(separator: "；"),
                                              source: doc.source, preamble: doc.preamble,
                                              chaptersJSON: try AuditTrail.json(prose), fixesJSON: try AuditTrail.json(doc.fixes))
            try await record.create(on: tx)
            var departments: [String: UUID] = [:]
            for unit in doc.responsibleUnits {
                if let existing = try await OrganizationRecord.query(on: tx).filter(\.$name == unit).first() {
                    departments[unit] = existing.id
                } else {
                    let org = OrganizationRecord(kind: .department, name: unit, description: "")
                    try await org.create(on: tx)
                    departments[unit] = org.id
                }
            }
            for chapter in doc.chapters {
                for a in chapter.articles {
                    let row = PolicyArticleRecord(documentID: doc.id, number: a.number, numeral: a.numeral, chapterNumber: chapter.number,
                                                  chapterNumeral: chapter.numeral, chapterTitle: chapter.title, title: a.title, text: a.text)
                    try await row.create(on: tx)
                    for (i, unit) in a.responsibleUnits.enumerated() {
                        try await ArticleUnitRecord(articleID: row.id!, organizationID: departments[unit]!, position: i).create(on: tx)
                    }
                }
            }
            for t in targets {
                let r = IndicatorTargetRecord()
                r.indicator = t.indicator
                r.name = t.name
                r.nameEn = t.nameEn
                r.unit = t.unit
                r.direction = t.direction.rawValue
                r.comparison = t.comparison.rawValue
                r.value = t.value
                r.year = t.year
                r.kind = t.kind.rawValue
                r.chapterNumber = t.chapter
                r.articleNumber = t.article
                r.quote = t.quote
                try await r.create(on: tx)
            }
            try await AuditTrail.event(on: tx, actor: actor, action: "policy.load", entityType: "policy_document", entityID: doc.id,
                                       detail: ["articles": String(doc.articles.count), "departments": String(departments.count), "targets": String(targets.count)])
        }
        return true
    }

    public struct ChapterProse: Codable, Sendable {
        public let number: Int
        public let numeral: String
        public let title: String
        public let text: String
    }

    public func document(_ id: String) async throws -> PolicyDocumentRecord? {
        try await PolicyDocumentRecord.find(id, on: db)
    }

    public func firstDocument() async throws -> PolicyDocumentRecord? {
        try await PolicyDocumentRecord.query(on: db).sort(\.$id).first()
    }

    public func articles(documentID: String) async throws -> [PolicyArticleRecord] {
        try await PolicyArticleRecord.query(on: db).filter(\.$documentID == documentID).sort(\.$number).all()
    }

    /// An article with its responsible units, lead unit first.
    public func article(documentID: String, number: Int) async throws -> (PolicyArticleRecord, [OrganizationRecord])? {
        guard let a = try await PolicyArticleRecord.query(on: db).filter(\.$documentID == documentID).filter(\.$number == number).first() else {
            return nil
        }
        let units = try await ArticleUnitRecord.query(on: db).filter(\.$article.$id == a.id!).with(\.$organization).sort(\.$position).all()
        return (a, units.map(\.organization))
    }

    /// Units per article for the whole document, for the list page (one query, not one per article).
    public func unitsByArticle(documentID: String) async throws -> [UUID: [OrganizationRecord]] {
        let rows = try await ArticleUnitRecord.query(on: db).join(PolicyArticleRecord.self, on: \ArticleUnitRecord.$article.$id == \PolicyArticleRecord.$id)
            .filter(PolicyArticleRecord.self, \.$documentID == documentID).with(\.$organization).sort(\.$position).all()
        return Dictionary(grouping: rows, by: { $0.$article.id }).mapValues { $0.map(\.organization) }
    }

    public func targets() async throws -> [IndicatorTargetRecord] {
        try await IndicatorTargetRecord.query(on: db).sort(\.$indicator).sort(\.$year).all()
    }
}
