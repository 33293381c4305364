import KechuangCore
import Vapor

/// Bcrypt for Core's `PasswordHashing`, with the configured cost.
struct BcryptHasher: PasswordHashing {
    let cost: Int

    func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: cost)
    }

    func verify(_ password: String, against hash: String) throws -> Bool {
        // A malformed stored hash must read as "wrong password", not as a server error.
        (try? Bcrypt.verify(password, created: hash)) ?? false
    }
}
