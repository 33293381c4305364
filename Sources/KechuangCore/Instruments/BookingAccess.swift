import Foundation

/// The person asking for a slot, as the booking rules see them: inside the owning unit or not, which unit is
/// billed, and the instrument qualifications (training records) they hold.
public struct Booker: Sendable, Equatable {
    public let userID: UUID
    public let organizationID: UUID?
    public let internalUser: Bool
    public let qualifications: Set<String>

    public init(userID: UUID, organizationID: UUID?, internalUser: Bool, qualifications: Set<String>) {
        self.userID = userID
        self.organizationID = organizationID
        self.internalUser = internalUser
        self.qualifications = qualifications
    }
}

/// Who may book what (art. 22 sharing): the checks every booking passes, from the page, the API or a waiting-list
/// offer, before the store looks for clashes.
public enum BookingAccess {
    /// Most weekly repeats one request may ask for (half a year).
    public static let maxWeeklyRepeats = 26

    /// The instrument takes bookings (active) and is open to this person: everyone for 对社会开放, the owning unit
    /// for internal sharing, nobody otherwise.
    public static func checkOpen(status: String, shareMode: String, booker: Booker) throws(DomainError) {
        guard status == InstrumentStatus.active.rawValue else { throw DomainError(.conflict, code: "booking.instrument_unavailable", field: "start") }
        guard shareMode == ShareMode.external.rawValue || (shareMode == ShareMode.internal.rawValue && booker.internalUser) else {
            throw DomainError(.forbidden, code: "booking.not_open_to_you")
        }
    }

    /// Weekly series are for members of the owning unit (regular internal use); outsiders book slot by slot.
    public static func checkSeries(count: Int, booker: Booker) throws(DomainError) {
        guard (1...maxWeeklyRepeats).contains(count) else {
            throw DomainError.invalid("repeat", "field.range", ["min": "1", "max": String(maxWeeklyRepeats)])
        }
        guard count == 1 || booker.internalUser else { throw DomainError.invalid("repeat", "booking.series_internal_only") }
    }

    /// The holder cancels or moves a booking only before the instrument's deadline; the owning unit (and admins)
    /// may cancel at any time.
    public static func checkChange(_ slot: TimeSlot, policy: BookingPolicy, now: Date, byManager: Bool) throws(DomainError) {
        guard byManager || policy.canCancel(slot, now: now) else {
            throw DomainError(.conflict, code: "booking.cancel_deadline_passed", arguments: ["hours": String(policy.cancellationDeadlineHours)])
        }
    }

    /// One broken rule of one occurrence in a weekly series, reported against the `repeat` field with the week's
    /// number and date; `reason` is the code of the underlying rule (translated by the page).
    public static func seriesOccurrenceErrors(_ errors: ValidationErrors, occurrence n: Int, start: Date) -> ValidationErrors {
        ValidationErrors(errors.errors.map { e in
            DomainError(.invalidInput, code: "booking.series_occurrence",
                        arguments: ["n": String(n), "date": ChinaTime.dateString(start), "reason_code": e.code].merging(e.arguments) { a, _ in a },
                        field: "repeat")
        })
    }
}
