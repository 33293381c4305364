import FluentKit
import Foundation
import KechuangCore

/// Demo talents in several classes, each with a profile, a classification decided by the talent office, a live
/// 人才码 and green-channel requests in every state (one overdue), from `data/talent/demo-talents.json`.
public struct DemoTalents: Sendable {
    public struct File: Codable, Sendable {
        public struct Request: Codable, Sendable {
            let service: String
            let state: String
            let daysAgo: Int
            let details: String
            let note: String
        }

        public struct Talent: Codable, Sendable {
            let username: String
            let name: String
            let employer: String
            let field: String
            let employment: String
            let arrivalDaysAgo: Int
            let degree: String
            let titleLevel: String
            let titles: String
            let honours: [String]
            let awards: String
            let projects: String
            let address: String
            let birth: String
            let phone: String
            let family: String
            let category: String?
            let classifiedDaysAgo: Int?
            let apply: Bool?
            let requests: [Request]
        }

        let talents: [Talent]
    }

    public static let markerKey = "demo_talents_loaded_at"

    let db: any Database
    let cipher: FieldCipher
    let passwordHash: String
    public init(db: any Database, cipher: FieldCipher, passwordHash: String) {
        self.db = db
        self.cipher = cipher
        self.passwordHash = passwordHash
    }

    /// Loads once (marked in platform settings); false when it was already there.
    @discardableResult
    public func load(_ file: File, catalogue: TalentServiceCatalogue, base: RuleBase, now: Date = Date()) async throws -> Bool {
        if try await PlatformSettingRecord.find(Self.markerKey, on: db) != nil { return false }
        let actor = Actor.system
        let today = Day(ChinaTime.dateString(now))!
        for d in file.talents {
            let user: UserRecord
            if let u = try await UserRecord.query(on: db).filter(\.$username == d.username).first() {
                user = u
            } else {
                user = UserRecord(username: d.username, displayName: d.name, passwordHash: passwordHash, role: .talent)
                try await user.create(on: db)
                try await AuditTrail.record(on: db, actor: actor, action: "user.create", entityType: "user", entityID: user.id!.uuidString,
                                            before: Optional<UserSnapshot>.none, after: UserSnapshot(user))
            }
            guard let employer = try await OrganizationRecord.query(on: db).filter(\.$name == d.employer).first(), let birth = Day(d.birth) else {
                throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": d.username])
            }
            let draft = TalentProfileDraft(
                name: d.name, idNumber: ResidentID.make(address: d.address, birth: birth, sequence: user.username.count * 37 + 11), phone: d.phone,
                family: d.family, field: d.field, employment: d.employment, arrivalDate: today.adding(days: -d.arrivalDaysAgo).description,
                degree: d.degree, titleLevel: d.titleLevel, titles: d.titles, honours: d.honours, awards: d.awards, projects: d.projects)
            var t = try await TalentStore(db: db, cipher: cipher).save(try draft.validate(today: today), employer: employer, userID: user.id!, actor: actor)
            let classification = TalentClassification.run(base: base, date: today, inputs: t.inputs(on: today))
            let classifications = TalentClassificationStore(db: db)
            if let c = d.category.flatMap(TalentCategory.init(rawValue:)), let days = d.classifiedDaysAgo {
                let app = try await classifications.apply(t, result: classification, inputs: t.inputs(on: today), note: "首次申请分类认定。", actor: actor)
                let reason = classification.category == c ? "材料齐全，符合\(c.nameZh)认定标准。" : "按\"相当于\(c.nameZh)层次\"条款认定（人才办集体研究）。"
                try await classifications.decide(app.id!, .confirm, category: c, reason: reason, ruleBaseVersion: base.version, today: today,
                                                 now: now, actor: actor)
                t = try await TalentRecord.find(t.id!, on: db)!
                t.categorySince = today.adding(days: -days).description
                try await t.update(on: db)
                _ = try await TalentCodeStore(db: db, cipher: cipher).issue(t, now: now, actor: actor)
            } else if d.apply == true {
                _ = try await classifications.apply(t, result: classification, inputs: t.inputs(on: today), note: "申请F类优秀人才认定。", actor: actor)
            }
            for r in d.requests {
                guard let service = catalogue.service(r.service), let target = ServiceRequestState(rawValue: r.state) else {
                    throw DomainError(.invalidInput, code: "demo.bad_row", arguments: ["name": r.service])
                }
                try await request(t, service: service, target: target, r: r, now: now, actor: actor)
            }
        }
        try await PlatformSettingRecord(key: Self.markerKey, value: ChinaTime.iso(now)).create(on: db)
        return true
    }

    /// Files the request `daysAgo` and walks it to its state, a few hours per step.
    func request(_ t: TalentRecord, service: TalentServiceCatalogue.Service, target: ServiceRequestState, r: File.Request, now: Date, actor: Actor) async throws {
        let store = ServiceRequestStore(db: db)
        var at = now.addingTimeInterval(-Double(r.daysAgo) * 86_400)
        let req = try await store.create(talent: t, service: service, details: r.details, now: at, actor: Actor(userID: t.$user.id, name: t.name, address: "demo"))
        let unit = Actor(userID: nil, name: "\(service.unit) 人才服务专员", address: "demo")
        let talent = Actor(userID: t.$user.id, name: t.name, address: "demo")
        let path: [(ServiceRequestAction, ServiceRequestAction.Actor, String)]
        switch target {
        case .submitted: path = []
        case .accepted: path = [(.accept, .unit, "")]
        case .documentsRequested: path = [(.accept, .unit, ""), (.requestDocuments, .unit, r.note)]
        case .completed: path = [(.accept, .unit, ""), (.complete, .unit, r.note)]
        case .refused: path = [(.refuse, .unit, r.note)]
        case .withdrawn: path = [(.withdraw, .talent, r.note)]
        }
        for (action, by, note) in path {
            at = at.addingTimeInterval(5 * 3600)
            try await store.act(req.id!, action, note: note, by: by, now: min(at, now), actor: by == .unit ? unit : talent)
        }
    }
}
