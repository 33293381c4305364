import Foundation

/// A title an enterprise holds on the cultivation ladder (高企 certificate, 科技型中小企业 registration number …).
///
/// Recognitions are never deleted: a wrong or withdrawn one is revoked with a reason, and the record stays.
public struct Recognition: Sendable, Equatable {
    public enum Level: String, CaseIterable, Sendable, Codable {
        case national, region, city
    }

    public let rung: LadderRung
    public let level: Level
    public let certificateNumber: String
    public let recognizedOn: Day
    public let expiresOn: Day
    public let issuingBody: String
    /// 首次认定: the first time the enterprise holds this title (the art. 7 award is for first recognitions).
    public let firstTime: Bool
    public let revoked: Bool

    public init(rung: LadderRung, level: Level, certificateNumber: String, recognizedOn: Day, expiresOn: Day, issuingBody: String,
                firstTime: Bool, revoked: Bool) {
        self.rung = rung
        self.level = level
        self.certificateNumber = certificateNumber
        self.recognizedOn = recognizedOn
        self.expiresOn = expiresOn
        self.issuingBody = issuingBody
        self.firstTime = firstTime
        self.revoked = revoked
    }

    /// How many days before expiry a recognition is flagged for renewal (复核/重新认定).
    public static let expiryWarningDays = 90

    public enum State: String, Sendable, Codable {
        case active, expiring, expired, revoked, future
    }

    public func state(on day: Day) -> State {
        if revoked { return .revoked }
        if day < recognizedOn { return .future }
        if expiresOn < day { return .expired }
        return Self.daysBetween(day, expiresOn) <= Self.expiryWarningDays ? .expiring : .active
    }

    public func inForce(on day: Day) -> Bool { [.active, .expiring].contains(state(on: day)) }

    /// Whole days from `a` to `b` (calendar dates, no time zone involved).
    public static func daysBetween(_ a: Day, _ b: Day) -> Int {
        func ordinal(_ d: Day) -> Int {
            // Days since 0000-03-01 in the proleptic Gregorian calendar (March-based years put the leap day last).
            let y = d.month <= 2 ? d.year - 1 : d.year
            let m = d.month <= 2 ? d.month + 9 : d.month - 3
            return 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d.dayOfMonth - 1
        }
        return ordinal(b) - ordinal(a)
    }

    /// The usual validity of a title, used to propose the expiry date on the form (staff may change it).
    public static func defaultValidityYears(_ rung: LadderRung) -> Int {
        rung == .techSME ? 1 : 3
    }

    /// Rule inputs the recognitions of one enterprise give on `day` for data year `year`: which titles it holds,
    /// and whether it was first recognised as 高企 in that year (the art. 7 award's input).
    public static func inputs(_ all: [Recognition], on day: Day, dataYear year: Int) -> [String: Value] {
        var out: [String: Value] = [:]
        for rung in LadderRung.allCases {
            out[rung.heldVariable] = .bool(all.contains { $0.rung == rung && $0.inForce(on: day) })
        }
        out["newly_recognized_hte"] = .bool(all.contains { $0.rung == .hnte && !$0.revoked && $0.firstTime && $0.recognizedOn.year == year })
        return out
    }
}

/// What staff type to record a recognition, before checking.
public struct RecognitionDraft: Sendable {
    public var rung: String?
    public var level: String?
    public var certificateNumber: String?
    public var recognizedOn: String?
    public var expiresOn: String?
    public var issuingBody: String?
    public var firstTime: String?

    public init(rung: String?, level: String?, certificateNumber: String?, recognizedOn: String?, expiresOn: String?, issuingBody: String?, firstTime: String?) {
        self.rung = rung
        self.level = level
        self.certificateNumber = certificateNumber
        self.recognizedOn = recognizedOn
        self.expiresOn = expiresOn
        self.issuingBody = issuingBody
        self.firstTime = firstTime
    }

    /// Every bad field is reported with its name; an expiry before the recognition date is refused.
    public func validate() throws(ValidationErrors) -> Recognition {
        var errors: [DomainError] = []
        let rung = LadderRung(rawValue: rung ?? "")
        if rung == nil { errors.append(.invalid("rung", rungMissing ? "field.required" : "field.not_allowed", ["value": String((self.rung ?? "").prefix(20))])) }
        let level = Recognition.Level(rawValue: level ?? "")
        if level == nil { errors.append(.invalid("level", (self.level ?? "").isEmpty ? "field.required" : "field.not_allowed", ["value": String((self.level ?? "").prefix(20))])) }
        let number = (certificateNumber ?? "").trimmingCharacters(in: .whitespaces)
        if number.isEmpty { errors.append(.invalid("certificate_number", "field.required")) } else if number.count > 64 {
            errors.append(.invalid("certificate_number", "field.too_long", ["max": "64"]))
        }
        let body = (issuingBody ?? "").trimmingCharacters(in: .whitespaces)
        if body.isEmpty { errors.append(.invalid("issuing_body", "field.required")) } else if body.count > 100 {
            errors.append(.invalid("issuing_body", "field.too_long", ["max": "100"]))
        }
        let from = Day(recognizedOn ?? "")
        if from == nil { errors.append(.invalid("recognized_on", "field.date")) }
        let until = Day(expiresOn ?? "")
        if until == nil { errors.append(.invalid("expires_on", "field.date")) }
        if let from, let until, until <= from { errors.append(.invalid("expires_on", "recognition.expiry_before_start")) }
        let first: Bool
        switch firstTime ?? "" {
        case "true", "1", "on": first = true
        case "false", "0", "": first = false
        default: first = false; errors.append(.invalid("first_time", "field.not_allowed", ["value": String((firstTime ?? "").prefix(10))]))
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        return Recognition(rung: rung!, level: level!, certificateNumber: number, recognizedOn: from!, expiresOn: until!, issuingBody: body,
                           firstTime: first, revoked: false)
    }

    private var rungMissing: Bool { (rung ?? "").isEmpty }
}

extension Day {
    /// The calendar date `days` later (earlier when negative); noon Beijing keeps the sum clear of any day boundary.
    public func adding(days: Int) -> Day {
        let noon = ChinaTime.date(self, hour: 12)!.addingTimeInterval(TimeInterval(days) * 86_400)
        return Day(ChinaTime.dateString(noon))!
    }
}

extension EntityData {
    /// An enterprise's rule inputs for `year`: its yearly facts, with titles decided by its recognition records
    /// wherever it has records of that title (records are the authority; a typed fact fills in only without them).
    /// Returns the inputs and the names the records decided.
    public static func enterpriseInputs(facts: [EntityFact], recognitions: [Recognition], year: Int, today: Day,
                                        base: RuleBase) -> (inputs: [String: Value], fromRecords: [String]) {
        var inputs = inputs(from: facts, year: year, base: base, entity: .enterprise)
        guard !recognitions.isEmpty else { return (inputs, []) }
        let fromRecords = Recognition.inputs(recognitions, on: today, dataYear: year)
        var decided = LadderRung.allCases.filter { r in recognitions.contains { $0.rung == r } }.map(\.heldVariable)
        if recognitions.contains(where: { $0.rung == .hnte }) { decided.append("newly_recognized_hte") }
        for name in decided { inputs[name] = fromRecords[name] }
        return (inputs, decided)
    }
}
