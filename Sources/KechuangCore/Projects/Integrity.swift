import Foundation

/// 科研诚信 (art. 26): misconduct records, the grade they give a person or organisation, and the bans that gate
/// applications and review.
///
/// Categories follow art. 2 of 《科研失信行为调查处理规则》(国科发监〔2022〕221号); the grades follow the five-grade
/// scheme of 贵州省科技信用管理办法(试行) (优秀/良好/一般失信/较重失信/严重失信), of which the platform computes the
/// four that records decide: with no record a subject is 良好 (优秀 needs a commendation the platform does not hold).
public enum MisconductCategory: String, CaseIterable, Sendable, Codable {
    /// 抄袭剽窃、侵占他人研究成果或项目申请书
    case plagiarism = "m1"
    /// 编造研究过程、伪造研究成果，买卖实验数据，伪造、篡改数据、图表、结论、检测报告
    case fabrication = "m2"
    /// 买卖、代写、代投论文或项目申报验收材料，虚构同行评议专家及评议意见
    case ghostwriting = "m3"
    /// 以虚假信息或请托、贿赂、利益交换获得项目、经费、奖励、荣誉、职称
    case falseApplication = "m4"
    /// 科技伦理审查造假
    case ethicsFraud = "m5"
    /// 违反署名规范
    case authorship = "m6"
    /// 违反学术出版规范（重复发表、强制引用）
    case publication = "m7"
    /// 其他科研失信行为
    case other = "m8"
}

/// 情节: how serious the case was found to be.
public enum MisconductSeverity: String, CaseIterable, Sendable, Codable, Comparable {
    case minor, serious, grave

    public static func < (a: MisconductSeverity, b: MisconductSeverity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum IntegritySubject: String, CaseIterable, Sendable, Codable {
    case person, organization
}

/// One record as the rules read it.
public struct IntegrityRecordFacts: Sendable, Equatable {
    public let severity: MisconductSeverity
    /// 禁止承担或参与财政性资金支持的科技活动 from … until (nil: lifetime); no ban when `banFrom` is nil.
    public let banFrom: Day?
    public let banUntil: Day?
    /// The record stays, but a closed one (overturned on appeal or rectified) no longer bars anything.
    public let closed: Bool

    public init(severity: MisconductSeverity, banFrom: Day?, banUntil: Day?, closed: Bool) {
        self.severity = severity
        self.banFrom = banFrom
        self.banUntil = banUntil
        self.closed = closed
    }

    public func bans(on day: Day) -> Bool {
        guard !closed, let from = banFrom, from <= day else { return false }
        return banUntil.map { day <= $0 } ?? true
    }

    /// Still counts for the grade: open, and either no ban or a ban not yet over.
    public func active(on day: Day) -> Bool {
        guard !closed else { return false }
        guard let until = banUntil else { return true }
        return day <= until
    }
}

public enum IntegrityGrade: String, CaseIterable, Sendable, Codable {
    /// 良好: no record that still counts.
    case good
    /// 一般失信
    case minorBreach = "minor_breach"
    /// 较重失信
    case seriousBreach = "serious_breach"
    /// 严重失信
    case graveBreach = "grave_breach"

    /// The grade on `day`: the worst severity among records that still count.
    public static func of(_ records: [IntegrityRecordFacts], on day: Day) -> IntegrityGrade {
        switch records.filter({ $0.active(on: day) }).map(\.severity).max() {
        case nil: .good
        case .minor: .minorBreach
        case .serious: .seriousBreach
        case .grave: .graveBreach
        }
    }

    /// True when any record bans the subject on `day`.
    public static func banned(_ records: [IntegrityRecordFacts], on day: Day) -> Bool {
        records.contains { $0.bans(on: day) }
    }
}
