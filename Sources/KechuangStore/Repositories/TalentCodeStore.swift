import FluentKit
import Foundation
import KechuangCore

/// 人才码 keys and codes. One key signs at a time; rotation starts a new one and the old one stays published so its
/// codes verify until they expire (then it is dropped from the set). A talent holds one live code: issuing a new
/// one revokes the earlier ones.
public struct TalentCodeStore: Sendable {
    let db: any Database
    let cipher: FieldCipher
    public init(db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    /// How long a code is valid: short, as the HCERT and SMART Health Card guidance advise, so a desk offline for
    /// days still refuses a code the platform withdrew long ago.
    public static let validityDays = 90
    public static let issuer = "鄂尔多斯市科创平台 Kechuang"

    /// The signing key, made on first use.
    func signingKey(on tx: any Database, now: Date) async throws -> TalentCodeKeyRecord {
        if let k = try await TalentCodeKeyRecord.query(on: tx).filter(\.$signsUntil == nil).sort(\.$signsFrom, .descending).first() { return k }
        return try await newKey(on: tx, now: now)
    }

    func newKey(on tx: any Database, now: Date) async throws -> TalentCodeKeyRecord {
        let (priv, pub) = TalentCodeSigning.newKey()
        let k = TalentCodeKeyRecord()
        k.kid = TalentCodeKeys.hex(TalentCodeSigning.keyID(pub))
        k.publicKey = Data(pub)
        k.privateSealed = try cipher.seal(Data(priv))
        k.signsFrom = now
        try await k.create(on: tx)
        return k
    }

    /// Retires the signing key and starts a new one.
    @discardableResult
    public func rotate(now: Date = Date(), actor: Actor) async throws -> TalentCodeKeyRecord {
        try await db.transaction { tx in
            let old = try await TalentCodeKeyRecord.query(on: tx).filter(\.$signsUntil == nil).all()
            for k in old {
                k.signsUntil = now
                try await k.update(on: tx)
            }
            let k = try await newKey(on: tx, now: now.addingTimeInterval(0.001))
            try await AuditTrail.event(on: tx, actor: actor, action: "talent_code.rotate_key", entityType: "talent_code_key", entityID: k.kid,
                                       detail: ["retired": old.map(\.kid).joined(separator: ","), "new": k.kid])
            return k
        }
    }

    /// The published key set: the signing key and every retired key whose codes may still be valid.
    public func published(now: Date = Date()) async throws -> TalentCodeKeys {
        var all = try await TalentCodeKeyRecord.query(on: db).sort(\.$signsFrom).all()
        // Read first: a verification should not open a write transaction; only a platform with no key yet makes one.
        if !all.contains(where: { $0.signsUntil == nil }) {
            _ = try await db.transaction { tx in try await signingKey(on: tx, now: now) }
            all = try await TalentCodeKeyRecord.query(on: db).sort(\.$signsFrom).all()
        }
        let horizon = now.addingTimeInterval(-TimeInterval(Self.validityDays) * 86_400)
        let keys = all.filter { ($0.signsUntil ?? now) >= horizon }
        return TalentCodeKeys(issuer: Self.issuer, keys: keys.map {
            PublishedTalentKey(kid: $0.kid, publicKey: Array($0.publicKey), signsFrom: $0.signsFrom, signsUntil: $0.signsUntil)
        })
    }

    public func verifier(now: Date = Date()) async throws -> TalentCodeVerifier {
        TalentCodeVerifier(keys: try await published(now: now), check: TalentCodeSigning.check)
    }

    public struct Issued: Sendable {
        public let text: String
        public let record: TalentCodeRecord
    }

    /// Signs a code for a classified talent; earlier live codes are revoked as superseded.
    public func issue(_ t: TalentRecord, now: Date = Date(), actor: Actor) async throws -> Issued {
        guard let category = t.confirmedCategory else { throw ValidationErrors([.invalid("code", "talent.not_classified")]) }
        return try await db.transaction { tx in
            try await Self.revokeLive(talentID: t.id!, reason: "superseded", now: now, on: tx)
            let key = try await signingKey(on: tx, now: now)
            // Codes carry whole seconds and Ed25519 is deterministic: a second code within the same second would be
            // the same text, so it is dated one second after the last.
            var issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
            if let last = try await TalentCodeRecord.query(on: tx).filter(\.$talent.$id == t.id!).sort(\.$issuedAt, .descending).first(),
               last.issuedAt >= issuedAt {
                issuedAt = last.issuedAt.addingTimeInterval(1)
            }
            let payload = TalentCodePayload(keyID: TalentCodeSigning.keyID(Array(key.publicKey)), talentID: t.id!, category: category,
                                            issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(TimeInterval(Self.validityDays) * 86_400))
            let text = try TalentCodeSigning.sign(payload, privateKey: Array(try cipher.open(key.privateSealed)))
            let r = TalentCodeRecord()
            r.$talent.id = t.id!
            r.kid = key.kid
            r.digest = TalentCodeSigning.digest(text)
            r.category = category.rawValue
            r.issuedAt = payload.issued
            r.expiresAt = payload.expires
            r.textSealed = try cipher.seal(Data(text.utf8))
            try await r.create(on: tx)
            try await AuditTrail.event(on: tx, actor: actor, action: "talent_code.issue", entityType: "talent", entityID: t.id!.uuidString,
                                       detail: ["kid": key.kid, "category": category.rawValue, "expires": ChinaTime.iso(payload.expires), "code": r.id!.uuidString])
            return Issued(text: text, record: r)
        }
    }

    /// The talent's live code record (not revoked, not expired), newest first.
    public func live(talentID: UUID, now: Date = Date()) async throws -> TalentCodeRecord? {
        try await TalentCodeRecord.query(on: db).filter(\.$talent.$id == talentID).filter(\.$revokedAt == nil)
            .filter(\.$expiresAt > now).sort(\.$issuedAt, .descending).first()
    }

    /// The text of the talent's live code, for the person's own page on any device.
    public func liveText(talentID: UUID, now: Date = Date()) async throws -> (record: TalentCodeRecord, text: String)? {
        guard let r = try await live(talentID: talentID, now: now), let sealed = r.textSealed else { return nil }
        return (r, String(decoding: try cipher.open(sealed), as: UTF8.self))
    }

    public func codes(talentID: UUID) async throws -> [TalentCodeRecord] {
        try await TalentCodeRecord.query(on: db).filter(\.$talent.$id == talentID).sort(\.$issuedAt, .descending).all()
    }

    /// The online status of a code's text: nil when the platform never issued it.
    public func status(of text: String) async throws -> TalentCodeRecord? {
        try await TalentCodeRecord.query(on: db).filter(\.$digest == TalentCodeSigning.digest(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            .with(\.$talent).first()
    }

    /// Staff revoke a talent's live code with a reason.
    public func revoke(talentID: UUID, reason: String, now: Date = Date(), actor: Actor) async throws {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationErrors([.invalid("reason", "field.required")]) }
        guard text.count <= 300 else { throw ValidationErrors([.invalid("reason", "field.too_long", ["max": "300"])]) }
        try await db.transaction { tx in
            let n = try await Self.revokeLive(talentID: talentID, reason: text, now: now, on: tx)
            guard n > 0 else { throw ValidationErrors([.invalid("reason", "talent.no_live_code")]) }
            try await AuditTrail.event(on: tx, actor: actor, action: "talent_code.revoke", entityType: "talent", entityID: talentID.uuidString,
                                       detail: ["reason": text, "codes": String(n)])
        }
    }

    @discardableResult
    static func revokeLive(talentID: UUID, reason: String, now: Date, on tx: any Database) async throws -> Int {
        let live = try await TalentCodeRecord.query(on: tx).filter(\.$talent.$id == talentID).filter(\.$revokedAt == nil).all()
        for c in live {
            c.revokedAt = now
            c.revokedReason = reason
            try await c.update(on: tx)
        }
        return live.count
    }
}
