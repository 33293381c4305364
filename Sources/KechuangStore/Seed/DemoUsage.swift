import FluentKit
import Foundation
import KechuangCore

/// Half a year of plausible use for each demo instrument, so statements, the sharing evaluation and 查重评议 have
/// something to show on first start. Deterministic: the same sessions every time.
enum DemoUsage {
    static func history(for i: InstrumentRecord, on tx: any Database, now: Date = Date()) async throws {
        let users = try await UserRecord.query(on: tx).filter(\.$username ~~ ["enterprise", "institution", "talent"]).all()
        guard !users.isEmpty else { return }
        var memberships: [UUID: UUID] = [:]
        for m in try await MembershipRecord.query(on: tx).filter(\.$user.$id ~~ users.compactMap(\.id)).all() { memberships[m.$user.id] = m.$organization.id }
        let policy = i.policy
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = ChinaTime.zone
        var seed = UInt64(truncatingIfNeeded: i.name.unicodeScalars.reduce(7) { $0 &* 31 &+ Int($1.value) })
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let today = cal.startOfDay(for: now)
        let eligible = i.shareMode == "external" ? users : users.filter { memberships[$0.id!] == i.$organization.id }
        guard !eligible.isEmpty else { return }
        for back in stride(from: 180, through: 2, by: -1) {
            let day = cal.date(byAdding: .day, value: -back, to: today)!
            guard let open = policy.openSlot(dayStarting: day) else { continue }
            // Up to three sessions a day, one after another from a random morning hour.
            var start = open.start.addingTimeInterval(TimeInterval(next(3) * 3600))
            for _ in 0..<next(4) {
                let minutes = [60, 90, 120, 180][next(4)]
                let end = start.addingTimeInterval(TimeInterval(minutes * 60))
                guard end <= open.end else { break }
                let user = eligible[next(eligible.count)]
                let org = memberships[user.id!]
                let external = org != i.$organization.id
                let u = UsageRecord()
                u.instrumentID = i.id!
                u.userID = user.id!
                u.userOrgID = org
                u.external = external
                u.operatorName = "平台机组"
                u.startAt = start
                u.endAt = end
                u.minutes = minutes
                u.samples = 1 + next(6)
                u.purpose = next(12) == 0 ? "legal_certification" : "research"
                u.notes = ""
                u.feeFen = i.fees.fee(minutes: minutes, external: external).fen
                u.rating = next(3) == 0 ? nil : 3 + next(3)
                u.recordedBy = user.id!
                try await u.create(on: tx)
                start = end.addingTimeInterval(TimeInterval(i.bufferMinutes * 60))
            }
        }
    }
}
