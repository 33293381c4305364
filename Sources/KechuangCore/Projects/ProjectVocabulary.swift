import Foundation

/// How a call chooses who does the work (art. 19: "竞争择优、定向委托等项目遴选方式和'揭榜挂帅''里程碑''赛马制'、
/// 先立项后补助等多种项目组织管理模式").
public enum SelectionMode: String, CaseIterable, Sendable, Codable {
    /// 竞争择优: open competition, expert review, ranking.
    case competitive
    /// 定向委托: the bureau names the unit; a formal check and review, no competition.
    case directed
    /// 揭榜挂帅 and 赛马: run as a technology-market challenge (the market's bids, panel and milestones).
    case jiebang, saima
    /// 里程碑: funds follow milestone reviews.
    case milestone
    /// 先立项后补助: the unit pays first; the subsidy is paid after acceptance.
    case postSubsidy = "post_subsidy"

    /// The modes whose competition is a market challenge rather than a call's own applications.
    public var isChallenge: Bool { self == .jiebang || self == .saima }
    /// Funds are paid only after 验收.
    public var paysAfterAcceptance: Bool { self == .postSubsidy }
}

/// 预算制 (budget by category, adjusted under the rules) or 包干制 (no category budget; only the negative list).
public enum FundingMode: String, CaseIterable, Sendable, Codable {
    case budget
    case lumpSum = "lump_sum"
}

/// The budget categories after 国办发〔2021〕32号: three direct categories and indirect costs.
public enum BudgetCategory: String, CaseIterable, Sendable, Codable {
    /// 设备费
    case equipment
    /// 业务费 (materials, testing, fuel, travel, meetings, publication, IP …)
    case business
    /// 劳务费
    case labour
    /// 间接费用 (capped as a share of direct costs less equipment, by the engine)
    case indirect

    public var isDirect: Bool { self != .indirect }
}
