import Foundation

/// The 人才码: a compact signed token a service desk verifies offline with the platform's published public key.
///
/// Layout (version 1, 34 signed bytes, then a 64-byte Ed25519 signature), text `KC1:` + base64url without padding
/// (135 characters, a version-8 QR symbol at level M):
///
///     0      format version (1)
///     1–8    key id: the first 8 bytes of SHA-256 of the raw public key
///     9–24   talent id (UUID)
///     25     category (0 = A … 5 = F)
///     26–29  issued at, Unix seconds (big-endian)
///     30–33  expires at, Unix seconds (big-endian)
///
/// The signature covers `kechuang-talent-code-v1` followed by bytes 0–33, so no other signed message of the platform
/// can pass as a code. No name or ID number is in the code: what it proves is "this platform classified talent X
/// in class C, valid until T"; the desk looks the person up online when it needs more.
public struct TalentCodePayload: Sendable, Equatable {
    public static let prefix = "KC1:"
    public static let version: UInt8 = 1
    public static let domain = Array("kechuang-talent-code-v1".utf8)
    public static let signedLength = 34
    public static let signatureLength = 64

    public let keyID: [UInt8]
    public let talentID: UUID
    public let category: TalentCategory
    public let issuedAt: UInt32
    public let expiresAt: UInt32

    public init(keyID: [UInt8], talentID: UUID, category: TalentCategory, issuedAt: Date, expiresAt: Date) {
        precondition(keyID.count == 8)
        self.keyID = keyID
        self.talentID = talentID
        self.category = category
        self.issuedAt = UInt32(clamping: Int64(issuedAt.timeIntervalSince1970))
        self.expiresAt = UInt32(clamping: Int64(expiresAt.timeIntervalSince1970))
    }

    init(keyID: [UInt8], talentID: UUID, category: TalentCategory, issuedAt: UInt32, expiresAt: UInt32) {
        self.keyID = keyID
        self.talentID = talentID
        self.category = category
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    public var issued: Date { Date(timeIntervalSince1970: TimeInterval(issuedAt)) }
    public var expires: Date { Date(timeIntervalSince1970: TimeInterval(expiresAt)) }
    public var keyIDHex: String { TalentCodeKeys.hex(keyID) }

    public var signedBytes: [UInt8] {
        var b: [UInt8] = [Self.version]
        b += keyID
        let u = talentID.uuid
        b += [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
        b.append(category.index)
        b += PNGImage.be32(issuedAt)
        b += PNGImage.be32(expiresAt)
        return b
    }

    /// What the signature covers.
    public var message: [UInt8] { Self.domain + signedBytes }

    public func text(signature: [UInt8]) -> String { Self.prefix + Base64URL.encode(signedBytes + signature) }

    /// Reads a code's text (or a URL that carries it after `code=`); nothing is trusted until the signature is checked.
    public static func parse(_ raw: String) -> (payload: TalentCodePayload, signature: [UInt8])? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let r = text.range(of: "code=") { text = String(text[r.upperBound...].prefix { $0 != "&" }).removingPercentEncoding ?? "" }
        guard text.hasPrefix(prefix), let bytes = Base64URL.decode(String(text.dropFirst(prefix.count))),
              bytes.count == signedLength + signatureLength, bytes[0] == version,
              let category = TalentCategory(index: bytes[25]) else { return nil }
        let id = UUID(uuid: (bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15], bytes[16],
                             bytes[17], bytes[18], bytes[19], bytes[20], bytes[21], bytes[22], bytes[23], bytes[24]))
        func u32(_ at: Int) -> UInt32 { bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        let p = TalentCodePayload(keyID: Array(bytes[1..<9]), talentID: id, category: category, issuedAt: u32(26), expiresAt: u32(30))
        return (p, Array(bytes[signedLength...]))
    }
}

/// A verification key as the platform publishes it (`/api/v1/talent/keys`), and as the CLI reads it offline.
public struct PublishedTalentKey: Sendable, Codable, Equatable {
    /// Hex of the 8-byte key id.
    public let kid: String
    public let algorithm: String
    /// The raw 32-byte Ed25519 public key, base64url.
    public let publicKey: String
    public let signsFrom: Date
    /// When the key stopped signing (rotated out); codes it signed before then verify until they expire.
    public let signsUntil: Date?

    public init(kid: String, publicKey: [UInt8], signsFrom: Date, signsUntil: Date?) {
        self.kid = kid
        algorithm = "Ed25519"
        self.publicKey = Base64URL.encode(publicKey)
        self.signsFrom = signsFrom
        self.signsUntil = signsUntil
    }
}

/// The published key set.
public struct TalentCodeKeys: Sendable, Codable, Equatable {
    public let issuer: String
    public let keys: [PublishedTalentKey]
    public init(issuer: String, keys: [PublishedTalentKey]) {
        self.issuer = issuer
        self.keys = keys
    }

    public static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
}

/// Why a code is refused, in the order the checks run (signature before anything the code says is believed).
public enum TalentCodeRefusal: String, Sendable, Codable, CaseIterable {
    case malformed
    case unknownKey = "unknown_key"
    case badSignature = "bad_signature"
    /// Signed by a rotated-out key after it stopped signing.
    case keyRetired = "key_retired"
    case notYetValid = "not_yet_valid"
    case expired
    /// Online only: the platform revoked the code (class withdrawn, left Ordos, reissued …).
    case revoked
}

/// The offline check: format, key, signature, key window, validity period. Revocation is the online check's.
public struct TalentCodeVerifier: Sendable {
    public typealias SignatureCheck = @Sendable (_ publicKey: [UInt8], _ message: [UInt8], _ signature: [UInt8]) -> Bool

    public enum Verdict: Sendable, Equatable {
        case valid(TalentCodePayload)
        case refused(TalentCodeRefusal, TalentCodePayload?)

        public var payload: TalentCodePayload? {
            switch self {
            case .valid(let p): p
            case .refused(_, let p): p
            }
        }
    }

    let keys: [String: (raw: [UInt8], key: PublishedTalentKey)]
    let check: SignatureCheck
    /// Clock skew a desk's clock may have.
    public static let leewaySeconds: TimeInterval = 300

    public init(keys: TalentCodeKeys, check: @escaping SignatureCheck) {
        var map: [String: (raw: [UInt8], key: PublishedTalentKey)] = [:]
        for k in keys.keys where k.algorithm == "Ed25519" {
            if let raw = Base64URL.decode(k.publicKey), raw.count == 32 { map[k.kid] = (raw, k) }
        }
        self.keys = map
        self.check = check
    }

    public func verify(_ text: String, now: Date) -> Verdict {
        guard let (p, sig) = TalentCodePayload.parse(text) else { return .refused(.malformed, nil) }
        guard let key = keys[p.keyIDHex] else { return .refused(.unknownKey, p) }
        guard check(key.raw, p.message, sig) else { return .refused(.badSignature, p) }
        if let until = key.key.signsUntil, p.issued > until.addingTimeInterval(Self.leewaySeconds) { return .refused(.keyRetired, p) }
        if p.issued > now.addingTimeInterval(Self.leewaySeconds) { return .refused(.notYetValid, p) }
        if now >= p.expires { return .refused(.expired, p) }
        return .valid(p)
    }
}

/// base64url without padding (RFC 4648 §5).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
