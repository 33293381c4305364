import FluentKit
import Foundation
import KechuangStore
import NIOConcurrencyHelpers
import SQLKit

/// Instrument records as the booking API and the availability API read them, kept between requests and checked
/// against the row's `updated_at` on every use, so an edit (here or in another server process) is seen at once.
/// Why: loading the 57-column record through Fluent (SQL for every aliased column, then reflection over every
/// field) was the largest cost of a booking request in perf; one indexed single-column read replaces it.
/// The records handed out are shared and must only be read; pages that edit an instrument load their own.
final class InstrumentTermsCache: Sendable {
    private struct Entry { let stamp: Date?; let record: InstrumentRecord }
    private let entries = NIOLockedValueBox<[UUID: Entry]>([:])
    /// Bounded so a walk over the whole registry cannot grow it without limit (a record is a few kilobytes).
    static let capacity = 2_000

    func instrument(_ id: UUID, on db: any Database) async throws -> InstrumentRecord? {
        struct Stamp: Decodable { let updated_at: Date? }
        guard let stamp = try await StoreSQL.sql(db).raw("SELECT updated_at FROM instruments WHERE id = \(bind: id)").first(decoding: Stamp.self) else {
            return nil
        }
        if let hit = entries.withLockedValue({ $0[id] }), hit.stamp == stamp.updated_at { return hit.record }
        guard let fresh = try await InstrumentRecord.find(id, on: db) else { return nil }
        entries.withLockedValue { all in
            if all.count >= Self.capacity { all.removeAll(keepingCapacity: true) }
            all[id] = Entry(stamp: fresh.updatedAt, record: fresh)
        }
        return fresh
    }
}
