import Foundation
import KechuangCore
import KechuangStore
import Vapor

extension Request {
    var instrumentCatalog: InstrumentCatalog { services.instruments }
    var instrumentStore: InstrumentStore { InstrumentStore(db: db) }

    /// The instrument named by `:id` (404 when unknown).
    func instrument() async throws -> InstrumentRecord {
        guard let id = parameters.get("id", as: UUID.self), let i = try await instrumentStore.instrument(id) else { throw DomainError.notFound("instrument") }
        return i
    }

    /// The instrument named by `:id` from the shared cache, for handlers that only read it (booking, availability).
    func instrumentToRead() async throws -> InstrumentRecord {
        guard let id = parameters.get("id", as: UUID.self), let i = try await services.instrumentTerms.instrument(id, on: db) else {
            throw DomainError.notFound("instrument")
        }
        return i
    }

    /// True for admins and for members of the unit that owns the instrument.
    func managesInstrument(_ i: InstrumentRecord) async throws -> Bool {
        guard let me = currentUser else { return false }
        if me.role == .admin { return true }
        return try await accounts.isMember(userID: me.id, organizationID: i.$organization.id)
    }

    /// The instrument named by `:id` if the user manages it; others get 404 so management pages cannot be probed.
    func managedInstrument() async throws -> InstrumentRecord {
        let i = try await instrument()
        guard try await managesInstrument(i) else { throw DomainError.notFound("instrument") }
        return i
    }

    /// Organisations whose instruments the user may register: their memberships, or every institution for admins.
    func registeringOrganizations() async throws -> [OrganizationRecord] {
        let me = try requireUser()
        return try await instrumentStore.registeringOrganizations(userID: me.id, everyOne: me.role == .admin)
    }

    /// Reads a Beijing date ("2026-12-01") and clock time ("09:30") as an instant.
    static func beijing(date: String?, time: String?, dateField: String, timeField: String) throws(ValidationErrors) -> Date {
        let d = (date ?? "").trimmingCharacters(in: .whitespaces), t = (time ?? "").trimmingCharacters(in: .whitespaces)
        var v = Validator()
        if Day(d) == nil { v.add(.invalid(dateField, "booking.bad_date")) }
        if OpeningHours.clockMinutes(Substring(t)) == nil { v.add(.invalid(timeField, "booking.bad_time")) }
        try v.throwIfAny()
        let day = Day(d)!, minutes = OpeningHours.clockMinutes(Substring(t))!
        guard let date = ChinaTime.date(day, hour: minutes / 60, minute: minutes % 60) else { throw ValidationErrors([.invalid(dateField, "booking.bad_date")]) }
        return date
    }
}
