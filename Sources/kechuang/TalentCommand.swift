import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KechuangCore
import KechuangStore

/// `kechuang talent verify`: a service desk's check of a 人才码 — offline against a saved copy of the published keys
/// (`/api/v1/talent/keys`), and, with `--online`, the platform's revocation status. `talent bench` times the check.
struct TalentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "talent", abstract: "人才码 tools.", subcommands: [Verify.self, Bench.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a 人才码 offline with the published keys; exit 0 when valid, 1 when refused.")

        @Argument(help: "The code text (KC1:…), or a URL carrying it as code=…") var code: String
        @Option(help: "The published key set, saved from /api/v1/talent/keys") var keys: String
        @Option(help: "Also ask this platform (e.g. http://127.0.0.1:8080) whether the code was revoked") var online: String?

        func run() async throws {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let set = try decoder.decode(TalentCodeKeys.self, from: Data(contentsOf: URL(fileURLWithPath: keys)))
            let verdict = TalentCodeVerifier(keys: set, check: TalentCodeSigning.check).verify(code, now: Date())
            switch verdict {
            case .valid(let p):
                print("offline: valid")
                print("talent: \(p.talentID.uuidString)")
                print("category: \(p.category.rawValue) \(p.category.nameZh)")
                print("expires: \(ChinaTime.display(p.expires)) (Asia/Shanghai)")
                print("key: \(p.keyIDHex)")
            case .refused(let reason, let p):
                print("offline: refused (\(reason.rawValue))")
                if let p { print("key: \(p.keyIDHex), expires: \(ChinaTime.display(p.expires))") }
                throw ExitCode(1)
            }
            if let online {
                var req = URLRequest(url: URL(string: online.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/talent/verify")!)
                req.httpMethod = "POST"
                req.setValue("application/json", forHTTPHeaderField: "Content-Type")
                req.httpBody = try JSONEncoder().encode(["code": code])
                let (data, _) = try await URLSession.shared.data(for: req)
                let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                let status = answer?["online"] as? String ?? "unknown"
                print("online: \(status)")
                if status != "active" { throw ExitCode(1) }
            }
        }
    }

    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time the offline verification of a 人才码 in process (µs per code).")

        @Option(help: "Verifications per run") var iterations = 20_000
        @Option(help: "Runs (the median is reported)") var runs = 5

        func run() async throws {
            let (priv, pub) = TalentCodeSigning.newKey()
            let kid = TalentCodeSigning.keyID(pub)
            let now = Date()
            let payload = TalentCodePayload(keyID: kid, talentID: UUID(), category: .b, issuedAt: now, expiresAt: now.addingTimeInterval(86_400 * 90))
            let text = try TalentCodeSigning.sign(payload, privateKey: priv)
            let verifier = TalentCodeVerifier(keys: TalentCodeKeys(issuer: "bench", keys: [PublishedTalentKey(kid: TalentCodeKeys.hex(kid), publicKey: pub, signsFrom: now, signsUntil: nil)]),
                                              check: TalentCodeSigning.check)
            var perCode: [Double] = []
            var valid = 0
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<iterations { if case .valid = verifier.verify(text, now: now) { valid += 1 } }
                perCode.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations) / 1000)
            }
            perCode.sort()
            print(String(format: "offline verification: %.1f µs per code (median of %d runs of %d; min %.1f, max %.1f); %d valid", perCode[runs / 2], runs, iterations,
                         perCode.first!, perCode.last!, valid))
            let qr = try QRCode.encode(text)
            print("code: \(text.count) characters, QR version \(qr.version) (\(qr.size)×\(qr.size) modules, level M)")
        }
    }
}
