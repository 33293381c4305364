import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// A talent's own record: profile with personal data (seen in clear only here, by the person), evidence files,
/// and the log of everyone else who looked at the personal data.
struct TalentProfileController {
    static let maxEvidenceBytes = 5 * 1024 * 1024
    static let fields: Set<String> = Set(["name", "id_number", "phone", "family", "employer", "field", "employment", "arrival_date", "degree",
                                      "title_level", "titles", "awards", "projects"])
        .union(TalentHonour.allCases.map { "honour_" + $0.rawValue })

    struct Content: Encodable {
        let exists: Bool
        let talentID: String?
        let form: FormState
        let employers: [RegistrationController.Option]
        let employments: [RegistrationController.Option]
        let degrees: [RegistrationController.Option]
        let titleLevels: [RegistrationController.Option]
        let honours: [Check]
        let evidence: [EvidenceRow]
        let evidenceKinds: [RegistrationController.Option]
        let category: String?
        let categoryName: String?
        let categorySince: String?
        let accessCount: Int
    }

    struct Check: Encodable {
        let name: String
        let label: String
        let checked: Bool
    }

    struct EvidenceRow: Encodable {
        let id: String
        let kind: String
        let filename: String
        let uploadedAt: String
    }

    struct AccessContent: Encodable {
        let rows: [AccessRow]
        let pager: Pager
    }

    struct AccessRow: Encodable {
        let at: String
        let viewer: String
        let role: String
        let unit: String
        let purpose: String
        let fields: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "talent", "me", access: .roles([.talent]), use: page)
        r.on(.POST, "talent", "me", access: .roles([.talent]), use: save)
        r.on(.POST, "talent", "me", "evidence", access: .roles([.talent]), body: .collect(maxSize: "8mb"), use: upload)
        r.on(.GET, "talent", "evidence", ":id", access: .roles([.talent, .admin, .reviewer]), use: evidenceFile)
        r.on(.GET, "talent", "me", "access-log", access: .roles([.talent]), use: accessLog)
    }

    static func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, prefix: String, req: Request) -> [RegistrationController.Option] where T.RawValue == String {
        T.allCases.map { .init(value: $0.rawValue, label: req.t(prefix + $0.rawValue)) }
    }

    /// The form's values from a stored record (personal data in clear: this page is the person's own).
    static func values(_ t: TalentRecord, personal: TalentPersonalData) -> [String: String] {
        let p = t.profile
        var v = ["name": p.name, "id_number": personal.idNumber, "phone": personal.phone, "family": personal.family,
                 "employer": t.$employer.id?.uuidString ?? "", "field": p.field, "employment": p.employment.rawValue,
                 "arrival_date": p.arrivalDate.description, "degree": p.degree.rawValue, "title_level": p.titleLevel.rawValue, "titles": p.titles,
                 "awards": p.awardLines, "projects": p.projectLines]
        for h in p.honours { v["honour_" + h.rawValue] = "on" }
        return v
    }

    func content(_ req: Request, talent t: TalentRecord?, form: FormState) async throws -> Content {
        let employers = try await req.organizations.employers()
        var evidence: [TalentEvidenceRecord] = []
        var accessCount = 0
        if let t {
            evidence = try await req.talents.evidence(of: t.id!)
            accessCount = try await req.talents.accessLog(talentID: t.id!, page: PageQuery(page: 1, per: 1)).total
        }
        return Content(
            exists: t != nil, talentID: t?.id?.uuidString, form: form,
            employers: employers.map { .init(value: $0.id!.uuidString, label: $0.name) },
            employments: Self.options(TalentEmployment.self, prefix: "talent_employment_", req: req),
            degrees: Self.options(TalentDegree.self, prefix: "talent_degree_", req: req),
            titleLevels: Self.options(TalentTitleLevel.self, prefix: "talent_title_", req: req),
            honours: TalentHonour.allCases.map { Check(name: "honour_" + $0.rawValue, label: req.t("talent_honour_" + $0.rawValue),
                                                       checked: form.values["honour_" + $0.rawValue] != nil) },
            evidence: evidence.map { EvidenceRow(id: $0.id!.uuidString, kind: req.t("talent_evidence_" + $0.kind), filename: $0.filename,
                                                 uploadedAt: $0.uploadedAt.map(ChinaTime.display) ?? "") },
            evidenceKinds: TalentStore.evidenceKinds.map { .init(value: $0, label: req.t("talent_evidence_" + $0)) },
            category: t?.category, categoryName: t?.confirmedCategory.map { req.lang == .en ? $0.nameEn : $0.nameZh },
            categorySince: t?.categorySince, accessCount: accessCount)
    }

    @Sendable func page(req: Request) async throws -> View {
        let t = try await req.ownTalent()
        let me = try req.requireUser()
        let values = try t.map { Self.values($0, personal: try req.talents.ownPersonalData($0)) } ?? ["name": me.displayName]
        return try await req.page("talent/profile", titleKey: "talent_profile_title", content: try await content(req, talent: t, form: FormState(values: values)),
                                  forms: true)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let me = try req.requireUser()
        let input = try InputReader(req, allowed: Self.fields)
        let values = input.values
        let existing = try await req.ownTalent()
        do {
            let today = req.today
            let draft = TalentProfileDraft(
                name: values["name"], idNumber: values["id_number"], phone: values["phone"], family: values["family"], field: values["field"],
                employment: values["employment"], arrivalDate: values["arrival_date"], degree: values["degree"], titleLevel: values["title_level"],
                titles: values["titles"], honours: TalentHonour.allCases.filter { values["honour_" + $0.rawValue] != nil }.map(\.rawValue),
                awards: values["awards"], projects: values["projects"])
            var checked: TalentProfileDraft.Checked?
            var errors: [DomainError] = []
            do { checked = try draft.validate(today: today) } catch { errors = error.errors }
            let employer = try await UUID(uuidString: values["employer"] ?? "").asyncFlatMap { try await req.organizations.find($0) }
            if employer == nil || !(employer!.kind == .enterprise || employer!.kind == .institution) {
                errors.append(.invalid("employer", "field.required"))
            }
            if !errors.isEmpty { throw ValidationErrors(errors) }
            try await req.talents.save(checked!, employer: employer!, userID: me.id, actor: req.actor)
            req.flash("flash_talent_saved")
            return req.redirect(to: "/talent/me", redirectType: .normal)
        } catch let e as ValidationErrors {
            let form = try FormState(e, values: values, req: req)
            let view = try await req.page("talent/profile", titleKey: "talent_profile_title", content: try await content(req, talent: existing, form: form), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    struct Upload: Vapor.Content {
        var kind: String?
        var evidence: File?
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let t = try await req.requireOwnTalent()
        guard let u = try? req.content.decode(Upload.self) else { throw DomainError(.malformed, code: "body.malformed_form") }
        do {
            guard let f = u.evidence, f.data.readableBytes > 0 else { throw ValidationErrors([.invalid("evidence", "field.required")]) }
            guard f.data.readableBytes <= Self.maxEvidenceBytes else {
                throw ValidationErrors([.invalid("evidence", "tracking.attachment_too_large", ["max": "5 MB"])])
            }
            _ = try await req.talents.addEvidence(t, kind: u.kind ?? "", file: .init(filename: String(f.filename.prefix(200)),
                                                                                    contentType: f.contentType?.description ?? "application/octet-stream",
                                                                                    content: Data(f.data.readableBytesView)), actor: req.actor)
            req.flash("flash_talent_evidence_added")
            return req.redirect(to: "/talent/me#evidence", redirectType: .normal)
        } catch let e as ValidationErrors {
            let personal = try req.talents.ownPersonalData(t)
            var form = try FormState(e, values: Self.values(t, personal: personal), req: req)
            form.values["kind"] = u.kind ?? ""
            let view = try await req.page("talent/profile", titleKey: "talent_profile_title", content: try await content(req, talent: t, form: form), forms: true)
            return try await .rerender(view, for: req)
        }
    }

    /// The person's own files, and the talent office's (logged: evidence may carry personal data).
    @Sendable func evidenceFile(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let e = try await req.talents.evidenceFile(id) else { throw DomainError.notFound("evidence") }
        let me = try req.requireUser()
        if e.talent.$user.id != me.id {
            guard try await req.isTalentOffice() else { throw DomainError.notFound("evidence") }
            _ = try await req.talents.personalData(e.talent, for: req.talentViewer(purpose: "evidence", unit: Request.talentOfficeUnit), fields: ["evidence:\(e.filename)"])
        }
        return .download(e.content, filename: e.filename, contentType: e.contentType)
    }

    @Sendable func accessLog(req: Request) async throws -> View {
        let t = try await req.requireOwnTalent()
        let page = try await req.talents.accessLog(talentID: t.id!, page: PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 50))
        return try await req.page("talent/access-log", titleKey: "talent_access_title", content: AccessContent(
            rows: page.items.map { AccessRow(at: ChinaTime.display($0.at), viewer: $0.viewerName, role: req.t("role_\($0.viewerRole)"), unit: $0.viewerUnit ?? "",
                                             purpose: Self.purposeLabel($0.purpose, req: req), fields: $0.fields.split(separator: ",").map { req.t("talent_field_\($0.split(separator: ":").first ?? "")") }.joined(separator: "、")) },
            pager: Pager(page, path: "/talent/me/access-log", query: [:])))
    }

    static func purposeLabel(_ p: String, req: Request) -> String {
        if p.hasPrefix("service_request:") { return req.t("talent_purpose_service_request") }
        return req.t("talent_purpose_" + p)
    }
}

extension Optional {
    func asyncFlatMap<U>(_ f: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let w = self else { return nil }
        return try await f(w)
    }
}
