import FluentKit
import Foundation
import KechuangCore
@testable import KechuangStore

/// Small, explicit records for store tests: each builder writes one row with sensible defaults and returns it.
struct Builders {
    let db: any Database

    func organization(_ name: String = "鄂尔多斯实验室", kind: OrganizationKind = .institution) async throws -> OrganizationRecord {
        let o = OrganizationRecord(kind: kind, institutionType: kind == .institution ? .institute : nil, name: name)
        try await o.create(on: db)
        return o
    }

    func user(_ username: String, role: Role = .enterprise, memberOf org: OrganizationRecord? = nil) async throws -> UserRecord {
        let u = UserRecord(username: username, displayName: username, passwordHash: "not-a-login", role: role)
        u.sessionVersion = 0
        try await u.create(on: db)
        if let org { try await MembershipRecord(userID: u.id!, organizationID: org.id!, level: .member).create(on: db) }
        return u
    }

    /// An instrument open to everyone around the clock, 60-minute units at 200/400 yuan, 24 h to cancel.
    func instrument(owner: OrganizationRecord, share: ShareMode = .external, cancelHours: Int = 24, buffer: Int = 0,
                    status: InstrumentStatus = .active) async throws -> InstrumentRecord {
        var d = InstrumentDraft()
        d.name = "X射线衍射仪"
        d.model = "D8 ADVANCE"
        d.manufacturer = "Bruker"
        d.country = "德国"
        d.classCode = "030201"
        d.originalValue = Money(fen: 120_000_000)
        d.purchaseDate = "2023-01-01"
        d.location = "实验楼"
        d.fiscalShare = "1"
        d.specifications = "测角仪半径250 mm"
        d.functions = "物相分析"
        d.applicationFields = "新材料"
        d.serviceModes = [.onSite]
        d.feeUnitMinutes = 60
        d.feeInternal = Money(fen: 20_000)
        d.feeExternal = Money(fen: 40_000)
        d.contactName = "王工"
        d.contactPhone = "0477-8888888"
        d.shareMode = share
        d.status = status
        d.openingHours = Dictionary(uniqueKeysWithValues: (1...7).map { ($0, 0..<1440) })
        d.bufferMinutes = buffer
        d.cancelHours = cancelHours
        return try await InstrumentStore(db: db).create(d, organizationID: owner.id!, actor: .system)
    }
}

extension Actor {
    static func of(_ u: UserRecord) -> Actor { Actor(userID: u.id, name: u.username, address: "198.51.100.7") }
}

/// A fixed instant for tests: 09:00 Beijing on a Monday two weeks from the real date, so rules about the past and
/// the booking horizon hold whenever the suite runs.
func nextMondayNine(weeksAhead: Int = 2) -> Date {
    let start = ChinaTime.startOfDay(Date().addingTimeInterval(TimeInterval(weeksAhead * 7 * 86400)))
    let back = (ChinaTime.weekday(start) + 6) % 7
    return start.addingTimeInterval(TimeInterval(-back * 86400 + 9 * 3600))
}
