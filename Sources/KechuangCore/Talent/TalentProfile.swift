import Foundation

/// The six classes of the Ordos 高层次创新人才目录 (人才新政2.0, 2023): A 顶尖 … F 优秀. The criteria of each class live in
/// `policies/ordos/talent/`; nothing about who belongs where is decided here.
public enum TalentCategory: String, CaseIterable, Sendable, Codable, Comparable {
    case a = "A", b = "B", c = "C", d = "D", e = "E", f = "F"

    /// The classification rule of the class (`talent_class_a` …).
    public var ruleID: String { "talent_class_" + rawValue.lowercased() }
    /// The byte a 人才码 carries.
    public var index: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }
    public init?(index: UInt8) {
        guard Int(index) < Self.allCases.count else { return nil }
        self = Self.allCases[Int(index)]
    }

    public var nameZh: String { ["顶尖人才", "杰出人才", "领军人才", "拔尖人才", "高级人才", "优秀人才"][Int(index)] }
    public var nameEn: String { ["Top", "Outstanding", "Leading", "Distinguished", "Senior", "Excellent"][Int(index)] }

    /// A is the highest class.
    public static func < (l: Self, r: Self) -> Bool { l.index > r.index }
}

/// 全职 or 柔性引进: the art. 15 research funds and the 10-year support are for full-time talent.
public enum TalentEmployment: String, CaseIterable, Sendable, Codable {
    case fullTime = "full_time"
    case flexible
}

public enum TalentDegree: String, CaseIterable, Sendable, Codable {
    case doctorate, master, bachelor, other
}

/// 职称 level.
public enum TalentTitleLevel: String, CaseIterable, Sendable, Codable {
    case senior, deputySenior = "deputy_senior", intermediate, none
}

/// Honours the class criteria ask about, as the 目录 groups them.
public enum TalentHonour: String, CaseIterable, Sendable, Codable {
    /// 两院院士、发达国家院士.
    case academician
    /// 诺贝尔奖、国家最高科学技术奖 and equals.
    case topAward = "top_award"
    /// 国家级重大人才工程 (长江学者特聘教授、国家杰出青年科学基金 …).
    case nationalProgram = "national_program"
    /// 国家级青年人才工程 (优秀青年科学基金 …).
    case nationalYouthProgram = "national_youth_program"
    /// 自治区级人才工程 (草原英才 …).
    case regionProgram = "region_program"
    /// 市级人才工程 (鄂尔多斯英才 …).
    case cityProgram = "city_program"

    public var variable: String { "honour_" + rawValue }
}

/// A science award the talent won: level, grade (1 = 一等奖), the talent's rank among completers, the year, and the
/// personal prize money in fen when known (the art. 15 equal-amount matching reads it).
public struct TalentAward: Sendable, Codable, Equatable {
    public enum Level: String, CaseIterable, Sendable, Codable { case national, region }
    public let name: String
    public let level: Level
    public let grade: Int
    public let rank: Int
    public let year: Int
    public let prizeFen: Int64?

    public init(name: String, level: Level, grade: Int, rank: Int, year: Int, prizeFen: Int64?) {
        self.name = name
        self.level = level
        self.grade = grade
        self.rank = rank
        self.year = year
        self.prizeFen = prizeFen
    }
}

/// A research project the talent led or took part in (shown on the profile; the classification does not read it).
public struct TalentProject: Sendable, Codable, Equatable {
    public let name: String
    public let level: String
    public let role: String
    public let year: Int
    public init(name: String, level: String, role: String, year: Int) {
        self.name = name
        self.level = level
        self.role = role
        self.year = year
    }
}

/// Personal data: kept encrypted at rest and shown only to the person, the talent office and a service unit for
/// the one request it handles.
public struct TalentPersonalData: Sendable, Codable, Equatable {
    public var idNumber: String
    public var phone: String
    /// 配偶、子女 as the person writes them (the green-channel services need them).
    public var family: String
    public init(idNumber: String, phone: String, family: String) {
        self.idNumber = idNumber
        self.phone = phone
        self.family = family
    }
}

/// What a talent's profile holds apart from personal data.
public struct TalentProfile: Sendable, Codable, Equatable {
    public var name: String
    public var birthYear: Int
    public var field: String
    public var employment: TalentEmployment
    public var arrivalDate: Day
    public var degree: TalentDegree
    public var titleLevel: TalentTitleLevel
    public var titles: String
    public var honours: [TalentHonour]
    public var awards: [TalentAward]
    public var projects: [TalentProject]

    public init(name: String, birthYear: Int, field: String, employment: TalentEmployment, arrivalDate: Day, degree: TalentDegree,
                titleLevel: TalentTitleLevel, titles: String, honours: [TalentHonour], awards: [TalentAward], projects: [TalentProject]) {
        self.name = name
        self.birthYear = birthYear
        self.field = field
        self.employment = employment
        self.arrivalDate = arrivalDate
        self.degree = degree
        self.titleLevel = titleLevel
        self.titles = titles
        self.honours = honours
        self.awards = awards
        self.projects = projects
    }

    /// The rule inputs a profile gives on `day`: honours as yes/no, the best award of each level (grade, rank, years
    /// since), age, years in Ordos. `category` and `supportStart` come from the confirmed classification.
    public func inputs(on day: Day, category: TalentCategory?, supportStart: Day?) -> [String: Value] {
        var v: [String: Value] = [:]
        for h in TalentHonour.allCases { v[h.variable] = .bool(honours.contains(h)) }
        v["degree"] = .text(degree.rawValue)
        v["title_level"] = .text(titleLevel.rawValue)
        v["age"] = .num(Fixed(Int64(day.year - birthYear)))
        v["full_time_in_ordos"] = .bool(employment == .fullTime)
        v["years_in_ordos"] = .num(Fixed(Int64(Self.wholeYears(from: arrivalDate, to: day))))
        for level in TalentAward.Level.allCases {
            // The best award of the level: lowest grade number, then best rank, then the newest.
            let best = awards.filter { $0.level == level }.min { ($0.grade, $0.rank, -$0.year) < ($1.grade, $1.rank, -$1.year) }
            let prefix = level.rawValue + "_award"
            if let best {
                v[prefix + "_grade"] = .num(Fixed(Int64(best.grade)))
                v[prefix + "_rank"] = .num(Fixed(Int64(best.rank)))
                v["years_since_" + prefix] = .num(Fixed(Int64(max(0, day.year - best.year))))
            } else {
                v[prefix + "_grade"] = .num(Fixed(0))
                v[prefix + "_rank"] = .num(Fixed(0))
                v["years_since_" + prefix] = .num(Fixed(99))
            }
        }
        // The equal-amount matching of art. 15 reads the newest award with personal prize money.
        if let prized = awards.filter({ ($0.prizeFen ?? 0) > 0 }).max(by: { $0.year < $1.year }) {
            v["person_award_level"] = .text(prized.level.rawValue)
            v["person_award_amount"] = .num(Fixed(units: prized.prizeFen!, scale: 2))
            v["person_award_years_ago"] = .num(Fixed(Int64(max(0, day.year - prized.year))))
        } else {
            v["person_award_level"] = .text("none")
            v["person_award_amount"] = .num(.zero)
            v["person_award_years_ago"] = .num(Fixed(99))
        }
        if let category { v["talent_category"] = .text(category.rawValue) }
        if let supportStart { v["years_supported"] = .num(Fixed(Int64(Self.wholeYears(from: supportStart, to: day)))) }
        return v
    }

    /// Completed years between two days (a birthday-style count).
    public static func wholeYears(from a: Day, to b: Day) -> Int {
        guard b >= a else { return 0 }
        var years = b.year - a.year
        if (b.month, b.dayOfMonth) < (a.month, a.dayOfMonth) { years -= 1 }
        return max(0, years)
    }
}
