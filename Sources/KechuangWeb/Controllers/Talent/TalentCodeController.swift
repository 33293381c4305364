import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// 人才码: the talent's own code (QR as PNG and SVG, made here), issued and renewed by the talent; the public key set;
/// verification for service desks — offline (signature, key, validity) and online (revocation) — as a page and as
/// JSON; revocation by the talent office and key rotation by an admin.
struct TalentCodeController {
    struct OwnContent: Encodable {
        let classified: Bool
        let code: String?
        let issuedAt: String?
        let expiresAt: String?
        let category: String?
        let kid: String?
        let history: [CodeRow]
    }

    struct CodeRow: Encodable {
        let issuedAt: String
        let expiresAt: String
        let kid: String
        let category: String
        let state: String
    }

    struct VerifyContent: Encodable {
        let code: String
        let checked: Bool
        let result: VerifyResult?
        let keys: [KeyRow]
    }

    struct KeyRow: Encodable {
        let kid: String
        let algorithm: String
        let signsFrom: String
        let signsUntil: String?
    }

    /// What a desk learns from a code. Nothing personal: the name only when the code is valid and not revoked.
    struct VerifyResult: Content {
        let valid: Bool
        let offline: String
        let offlineLabel: String
        let online: String
        let onlineLabel: String
        let talentID: String?
        let category: String?
        let categoryName: String?
        let name: String?
        let issuedAt: String?
        let expiresAt: String?
        let kid: String?
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "talent", "me", "code", access: .roles([.talent]), use: own)
        r.on(.POST, "talent", "me", "code", access: .roles([.talent]), use: issue)
        r.on(.GET, "talent", "me", "code.png", access: .roles([.talent]), use: png)
        r.on(.GET, "talent", "me", "code.svg", access: .roles([.talent]), use: svg)
        r.on(.POST, "api", "v1", "talent", "me", "code", access: .roles([.talent]), use: issueAPI)
        r.on(.GET, "talent", "verify", access: .everyone, use: verifyPage)
        r.on(.GET, "api", "v1", "talent", "keys", access: .everyone, use: keys)
        r.on(.POST, "api", "v1", "talent", "verify", access: .everyone, use: verifyAPI)
        r.on(.POST, "admin", "talent", ":id", "code", "revoke", access: .staff, use: revoke)
        r.on(.POST, "admin", "talent", "keys", "rotate", access: .admin, use: rotate)
    }

    static func codeState(_ c: TalentCodeRecord, now: Date) -> String {
        if c.revokedAt != nil { return c.revokedReason == "superseded" ? "superseded" : "revoked" }
        return now >= c.expiresAt ? "expired" : "valid"
    }

    @Sendable func own(req: Request) async throws -> View {
        let t = try await req.requireOwnTalent()
        let now = req.now
        let codes = try await req.talentCodes.codes(talentID: t.id!)
        let live = try await req.talentCodes.liveText(talentID: t.id!, now: now)
        return try await req.page("talent/code", titleKey: "talent_code_title", content: OwnContent(
            classified: t.confirmedCategory != nil, code: live?.text, issuedAt: live.map { ChinaTime.display($0.record.issuedAt) },
            expiresAt: live.map { ChinaTime.display($0.record.expiresAt) }, category: live?.record.category, kid: live?.record.kid,
            history: codes.map { CodeRow(issuedAt: ChinaTime.display($0.issuedAt), expiresAt: ChinaTime.display($0.expiresAt), kid: $0.kid, category: $0.category,
                                         state: req.t("talent_code_state_" + Self.codeState($0, now: now))) }), forms: true)
    }

    /// Issues (or renews) the code; earlier codes are revoked.
    @Sendable func issue(req: Request) async throws -> Response {
        let t = try await req.requireOwnTalent()
        _ = try InputReader(req, allowed: [])
        _ = try await req.talentCodes.issue(t, actor: req.actor)
        req.flash("flash_talent_code_issued")
        return req.redirect(to: "/talent/me/code", redirectType: .normal)
    }

    /// The QR of the caller's live code (`?code=` must name that code when given, so an old link shows nothing).
    func liveCode(_ req: Request) async throws -> QRCode {
        let t = try await req.requireOwnTalent()
        guard let live = try await req.talentCodes.liveText(talentID: t.id!) else { throw DomainError(.notFound, code: "talent.no_live_code") }
        if let given = try? req.query.get(String.self, at: "code"), given != live.text { throw DomainError(.notFound, code: "talent.no_live_code") }
        return try QRCode.encode(live.text, correction: .medium)
    }

    struct IssuedJSON: Content {
        let code: String
        let category: String
        let kid: String
        let issuedAt: String
        let expiresAt: String
        let png: String
        let svg: String
    }

    @Sendable func issueAPI(req: Request) async throws -> Response {
        let t = try await req.requireOwnTalent()
        _ = try InputReader(req, allowed: [])
        let issued = try await req.talentCodes.issue(t, actor: req.actor)
        let q = issued.text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? issued.text
        return try await IssuedJSON(code: issued.text, category: issued.record.category, kid: issued.record.kid, issuedAt: ChinaTime.iso(issued.record.issuedAt),
                                    expiresAt: ChinaTime.iso(issued.record.expiresAt), png: "/talent/me/code.png?code=\(q)", svg: "/talent/me/code.svg?code=\(q)")
            .encodeResponse(status: .created, for: req)
    }

    @Sendable func png(req: Request) async throws -> Response {
        let qr = try await liveCode(req)
        var h = HTTPHeaders()
        h.contentType = .png
        h.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: h, body: .init(data: Data(qr.png(moduleSize: 8))))
    }

    @Sendable func svg(req: Request) async throws -> Response {
        let qr = try await liveCode(req)
        var h = HTTPHeaders()
        h.replaceOrAdd(name: .contentType, value: "image/svg+xml")
        h.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: h, body: .init(string: qr.svg()))
    }

    @Sendable func keys(req: Request) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var h = HTTPHeaders()
        h.contentType = .json
        return Response(status: .ok, headers: h, body: .init(data: try encoder.encode(try await req.talentCodes.published())))
    }

    /// The offline verdict, then the online status of an authentic code.
    static func verify(_ text: String, req: Request) async throws -> VerifyResult {
        let now = req.now
        let verdict = try await req.talentCodes.verifier(now: now).verify(text, now: now)
        var online = "not_checked"
        var name: String?
        if case .valid = verdict {
            if let rec = try await req.talentCodes.status(of: text) {
                online = rec.revokedAt == nil ? "active" : "revoked"
                if rec.revokedAt == nil { name = rec.talent.name }
            } else {
                online = "unknown"
            }
        }
        let p = verdict.payload
        let offline: String
        switch verdict {
        case .valid: offline = "valid"
        case .refused(let r, _): offline = r.rawValue
        }
        let en = req.lang == .en
        return VerifyResult(valid: offline == "valid" && online == "active", offline: offline, offlineLabel: req.t("talent_verify_offline_" + offline),
                            online: online, onlineLabel: req.t("talent_verify_online_" + online), talentID: p?.talentID.uuidString,
                            category: p?.category.rawValue, categoryName: p.map { en ? $0.category.nameEn : $0.category.nameZh }, name: name,
                            issuedAt: p.map { ChinaTime.display($0.issued) }, expiresAt: p.map { ChinaTime.display($0.expires) }, kid: p?.keyIDHex)
    }

    @Sendable func verifyPage(req: Request) async throws -> View {
        let code = ((try? req.query.get(String.self, at: "code")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let result = code.isEmpty ? nil : try await Self.verify(String(code.prefix(400)), req: req)
        return try await req.page("talent/verify", titleKey: "talent_verify_title",
                                  content: VerifyContent(code: code, checked: result != nil, result: result, keys: try await req.talentCodes.published().keys.map {
                                      KeyRow(kid: $0.kid, algorithm: $0.algorithm, signsFrom: ChinaTime.display($0.signsFrom), signsUntil: $0.signsUntil.map(ChinaTime.display))
                                  }))
    }

    @Sendable func verifyAPI(req: Request) async throws -> VerifyResult {
        let input = try InputReader(req, allowed: ["code"])
        guard let code = input["code"], !code.isEmpty else { throw DomainError.invalid("code", "field.required") }
        guard code.count <= 400 else { throw DomainError.invalid("code", "field.too_long", ["max": "400"]) }
        return try await Self.verify(code, req: req)
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        try await req.requireTalentOffice()
        guard let id = req.parameters.get("id", as: UUID.self), try await req.talents.find(id) != nil else { throw DomainError.notFound("talent") }
        let input = try InputReader(req, allowed: ["reason"])
        try await req.talentCodes.revoke(talentID: id, reason: input["reason"] ?? "", actor: req.actor)
        req.flash("flash_talent_code_revoked")
        return req.redirect(to: "/admin/talent/\(id.uuidString)", redirectType: .normal)
    }

    @Sendable func rotate(req: Request) async throws -> Response {
        _ = try InputReader(req, allowed: [])
        let k = try await req.talentCodes.rotate(actor: req.actor)
        req.flash("flash_talent_key_rotated")
        if req.headers.contentType == .json {
            return try await ["kid": k.kid].encodeResponse(status: .created, for: req)
        }
        return req.redirect(to: "/admin/talent", redirectType: .normal)
    }
}
