import Crypto
import Foundation
import KechuangCore

/// Encrypts personal data at rest (AES-256-GCM, a fresh nonce per value) and makes keyed lookups of it (HMAC-SHA-256),
/// so an ID number can be found and kept unique without being stored in clear. One data key, from configuration.
public struct FieldCipher: Sendable {
    let key: SymmetricKey
    let lookupKey: SymmetricKey

    public init(key bytes: [UInt8]) {
        precondition(bytes.count == 32)
        key = SymmetricKey(data: bytes)
        // A separate key for lookups, derived so the two uses never share a key.
        lookupKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array("kechuang-lookup-v1".utf8), using: SymmetricKey(data: bytes)))
    }

    /// The key the configuration names; else the one in `<data dir>/data.key`, made on first start (0600); in-memory
    /// and per-schema test databases use a fixed test key.
    public static func resolve(_ config: AppConfig) throws -> FieldCipher {
        if let k = config.dataKey { return FieldCipher(key: k) }
        switch config.database {
        case .sqliteMemory, .postgres(_, .some):
            return FieldCipher(key: Array(SHA256.hash(data: Array("kechuang-test-data-key".utf8))))
        default:
            let path = config.dataDirectory + "/data.key"
            let fm = FileManager.default
            if let d = fm.contents(atPath: path), let k = Data(base64Encoded: String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), k.count == 32 {
                return FieldCipher(key: Array(k))
            }
            try fm.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
            let k = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            guard fm.createFile(atPath: path, contents: Data((k.base64EncodedString() + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw DomainError(.invalidInput, code: "config.data_key_unwritable", arguments: ["path": path])
            }
            return FieldCipher(key: Array(k))
        }
    }

    public func seal(_ plain: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(plain, using: key).combined else { throw DomainError(.invalidInput, code: "crypto.seal") }
        return combined
    }

    public func open(_ sealed: Data) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key)
    }

    public func seal<T: Encodable>(json value: T) throws -> Data { try seal(JSONEncoder().encode(value)) }
    public func open<T: Decodable>(json sealed: Data, as type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: open(sealed)) }

    /// A stable keyed digest (hex) for equality lookups.
    public func lookup(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: lookupKey).map { String(format: "%02x", $0) }.joined()
    }
}
