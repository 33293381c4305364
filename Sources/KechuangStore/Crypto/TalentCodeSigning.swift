import Crypto
import Foundation
import KechuangCore

/// Ed25519 for the 人才码 (swift-crypto): key ids, signing, and the signature check the offline verifier uses.
public enum TalentCodeSigning {
    /// The first 8 bytes of SHA-256 of the raw public key.
    public static func keyID(_ publicKey: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: publicKey).prefix(8)) }

    public static func newKey() -> (privateKey: [UInt8], publicKey: [UInt8]) {
        let k = Curve25519.Signing.PrivateKey()
        return (Array(k.rawRepresentation), Array(k.publicKey.rawRepresentation))
    }

    public static func sign(_ payload: TalentCodePayload, privateKey: [UInt8]) throws -> String {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey)
        return payload.text(signature: Array(try key.signature(for: payload.message)))
    }

    public static let check: TalentCodeVerifier.SignatureCheck = { publicKey, message, signature in
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// SHA-256 hex of a code's text: how the platform finds an issued code without storing the code itself.
    public static func digest(_ text: String) -> String { SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined() }
}
