import Foundation

/// A recognised platform or carrier (重点实验室, 孵化器, 院士工作站 …) as the registry keeps it.
///
/// The kinds are the values of the rule input `platform_type`, so the engine can compute the awards of
/// arts. 4, 13, 14 and 17 from a registry record; levels are those of `platform_level`.
public enum PlatformKind: String, CaseIterable, Sendable, Codable {
    case keyLab = "key_lab"
    case techInnovationCenter = "tech_innovation_center"
    case engineeringCenter = "engineering_center"
    case newRDInstitute = "new_rd_institute"
    case incubator
    case makerSpace = "maker_space"
    case accelerator
    case pilotPlatform = "pilot_platform"
    case conceptVerification = "concept_verification"
    case techTransferAgency = "tech_transfer_agency"
    case transferDemoZone = "transfer_demo_zone"
    case academicianWorkstation = "academician_workstation"
    case talentEnclave = "talent_enclave"
    case sustainableAgendaZone = "sustainable_agenda_zone"
    case hbeInnovationZone = "hbe_innovation_zone"

    /// Sub-types the rules distinguish: 孵化类/研发类 enclaves (art. 17), 综合/专业 incubators.
    public var subtypes: [String] {
        switch self {
        case .talentEnclave: ["incubation", "rd"]
        case .incubator: ["general", "specialised"]
        default: []
        }
    }
}

/// Grades of a yearly performance evaluation (运行绩效), as the rules read `performance_grade`.
public enum PerformanceGrade: String, CaseIterable, Sendable, Codable {
    case excellent, good, pass, fail
}

/// A platform's registry facts that the award rules read.
public struct PlatformFacts: Sendable {
    public let kind: PlatformKind
    public let level: Recognition.Level
    public let subtype: String?
    public let recognizedOn: Day
    /// The autonomous region's award for this platform, where a city rule matches it 1:1 (等额奖补); nil if not known.
    public let regionAwardFen: Int64?
    public let underConstruction: Bool
    /// Performance grade by year.
    public let grades: [Int: PerformanceGrade]

    public init(kind: PlatformKind, level: Recognition.Level, subtype: String?, recognizedOn: Day, regionAwardFen: Int64?,
                underConstruction: Bool, grades: [Int: PerformanceGrade]) {
        self.kind = kind
        self.level = level
        self.subtype = subtype
        self.recognizedOn = recognizedOn
        self.regionAwardFen = regionAwardFen
        self.underConstruction = underConstruction
        self.grades = grades
    }

    /// Rule inputs for the awards paid in `year`: recognition awards for platforms first recognised that year, and
    /// performance subsidies on the evaluation of the year before (graded after it ends), with "excellent twice
    /// running" read from the two years before. A grade not reported stays unknown, never "fail".
    public func inputs(year: Int) -> [String: Value] {
        var out: [String: Value] = [
            "platform_type": .text(kind.rawValue), "platform_level": .text(level.rawValue),
            "newly_recognized": .bool(recognizedOn.year == year),
            "years_since_approval": .num(Fixed(Int64(max(0, year - recognizedOn.year)))),
            "under_construction": .bool(underConstruction),
        ]
        if let subtype, kind == .talentEnclave { out["enclave_type"] = .text(subtype) }
        if let fen = regionAwardFen { out["region_award_amount"] = .num(.fen(fen)) }
        if let g = grades[year - 1] {
            out["performance_grade"] = .text(g.rawValue)
            if let prev = grades[year - 2] { out["consecutive_excellent"] = .bool(g == .excellent && prev == .excellent) }
            else if g != .excellent { out["consecutive_excellent"] = .bool(false) }
        }
        return out
    }
}

/// What staff type to register a platform, before checking.
public struct PlatformDraft: Sendable {
    public var name: String?
    public var kind: String?
    public var level: String?
    public var subtype: String?
    public var banner: String?
    public var field: String?
    public var recognizedOn: String?
    public var documentNumber: String?
    public var issuingBody: String?
    public var regionAward: String?
    public var underConstruction: String?

    public init(name: String?, kind: String?, level: String?, subtype: String?, banner: String?, field: String?, recognizedOn: String?,
                documentNumber: String?, issuingBody: String?, regionAward: String?, underConstruction: String?) {
        self.name = name
        self.kind = kind
        self.level = level
        self.subtype = subtype
        self.banner = banner
        self.field = field
        self.recognizedOn = recognizedOn
        self.documentNumber = documentNumber
        self.issuingBody = issuingBody
        self.regionAward = regionAward
        self.underConstruction = underConstruction
    }

    public struct Checked: Sendable {
        public let name: String
        public let kind: PlatformKind
        public let level: Recognition.Level
        public let subtype: String?
        public let banner: Banner
        public let field: PriorityField
        public let recognizedOn: Day
        public let documentNumber: String
        public let issuingBody: String
        public let regionAwardFen: Int64?
        public let underConstruction: Bool
    }

    public func validate() throws(ValidationErrors) -> Checked {
        var errors: [DomainError] = []
        func text(_ v: String?, _ field: String, max: Int, required: Bool = true) -> String {
            let t = (v ?? "").trimmingCharacters(in: .whitespaces)
            if t.isEmpty && required { errors.append(.invalid(field, "field.required")) }
            if t.count > max { errors.append(.invalid(field, "field.too_long", ["max": String(max)])) }
            return t
        }
        let name = text(name, "name", max: 120)
        let kind = PlatformKind(rawValue: kind ?? "")
        if kind == nil { errors.append(.invalid("kind", "field.not_allowed", ["value": String((self.kind ?? "").prefix(30))])) }
        let level = Recognition.Level(rawValue: level ?? "")
        if level == nil { errors.append(.invalid("level", "field.not_allowed", ["value": String((self.level ?? "").prefix(20))])) }
        let sub = (subtype ?? "").trimmingCharacters(in: .whitespaces)
        if let kind {
            if kind.subtypes.isEmpty && !sub.isEmpty { errors.append(.invalid("subtype", "field.not_allowed", ["value": String(sub.prefix(20))])) }
            if !kind.subtypes.isEmpty && !kind.subtypes.contains(sub) { errors.append(.invalid("subtype", "field.not_allowed", ["value": String(sub.prefix(20))])) }
        }
        let banner = Banner(rawValue: banner ?? "")
        if banner == nil { errors.append(.invalid("banner", "field.not_allowed", ["value": String((self.banner ?? "").prefix(10))])) }
        let field = PriorityField(rawValue: field ?? "")
        if field == nil { errors.append(.invalid("field", "field.not_allowed", ["value": String((self.field ?? "").prefix(30))])) }
        let day = Day(recognizedOn ?? "")
        if day == nil { errors.append(.invalid("recognized_on", "field.date")) }
        let doc = text(documentNumber, "document_number", max: 80)
        let body = text(issuingBody, "issuing_body", max: 100)
        var award: Int64?
        let awardText = (regionAward ?? "").trimmingCharacters(in: .whitespaces)
        if !awardText.isEmpty {
            if let m = Money(yuanString: awardText), m.fen >= 0 { award = m.fen } else { errors.append(.invalid("region_award", "field.not_number")) }
        }
        let building = ["true", "1", "on"].contains(underConstruction ?? "")
        if !errors.isEmpty { throw ValidationErrors(errors) }
        return Checked(name: name, kind: kind!, level: level!, subtype: sub.isEmpty ? nil : sub, banner: banner!, field: field!, recognizedOn: day!,
                       documentNumber: doc, issuingBody: body, regionAwardFen: award, underConstruction: building)
    }
}

/// The awards the engine computes for one registered platform in one year (arts. 4, 13, 14, 17).
public enum PlatformAwards {
    public struct Award: Sendable {
        public let trace: RuleTrace
        /// True when the amount is the autonomous region's award matched 1:1 (等额奖补): the input is a regional figure.
        public let matchesRegion: Bool
    }

    /// Every platform rule that applies to this kind, eligible or not, with its trace; in force on 31 December of `year`.
    public static func evaluate(_ facts: PlatformFacts, year: Int, base: RuleBase) -> [Award] {
        return base.explain(entity: .platform, date: Day("\(year)-12-31")!, inputs: facts.inputs(year: year)).filter { t in
            // Only rules about this kind: their first condition names the platform type.
            t.rule.kind == .award && t.rule.scheme == nil && (t.conditions.first.map { $0.result != .bool(false) } ?? false)
        }.map { t in
            Award(trace: t, matchesRegion: base.ruleInputs[base.ruleIndex[t.rule.id]!].contains("region_award_amount"))
        }
    }
}
