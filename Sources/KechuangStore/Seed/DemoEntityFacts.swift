import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// Three years of invented yearly data (the three years before the current one) for the demo enterprises, so that the cultivation-ladder pages
/// show every rung: firms not yet a 科技型中小企业, firms one gap short of 高企, 专精特新 and 小巨人 candidates.
///
/// Profiles cycle over the enterprises in file order and are scaled a little per firm, so no two look the same.
/// The demo login's company (the first) gets the 高企 profile with an R&D gap. Values are exact decimal text.
enum DemoEntityFacts {
    /// Latest first: last year (the latest full year a platform holds data for), then the two before it.
    static var years: [Int] {
        let y = Day(ChinaTime.dateString(Date()))!.year
        return [y - 1, y - 2, y - 3]
    }

    /// Latest-year values of a profile; earlier years scale the flow values down (growth of about 12% a year).
    struct Profile {
        let latest: [String: String]
        /// Values that hold for the latest year only (titles, scores, counts that do not grow).
        let fixed: [String: String]
    }

    static let flowVariables: Set<String> = ["revenue", "rd_expense", "rd_expense_domestic", "total_assets", "total_liabilities",
                                             "total_costs", "hitech_revenue", "main_business_revenue"]

    static let profiles: [Profile] = [
        // 0 · one R&D gap short of 高企 (4% bracket at 8000万 of sales).
        Profile(latest: ["revenue": "80000000", "rd_expense": "3000000", "rd_expense_domestic": "3000000", "total_assets": "60000000",
                         "total_liabilities": "27000000", "total_costs": "72000000", "hitech_revenue": "52000000", "main_business_revenue": "70000000"],
                fixed: ["staff_count": "180", "tech_staff_count": "55", "ip_class1_count": "3", "ip_class2_count": "6", "ip_class1_own_count": "2",
                        "ip_class1_high_value_count": "0", "hnte_ip_points": "28", "hnte_management_points": "18", "conversions_avg_3y": "5",
                        "years_since_registration": "7", "hitech_field": "true", "restricted_industry": "false", "serious_violation": "false",
                        "is_tech_sme": "true", "is_innovative_sme": "true", "is_hte": "false", "national_award_top3_5y": "false", "provincial_rd_institution": "false",
                        "led_standard_5y": "false", "sme_size_ok": "true", "debt_ratio": "0.45",
                        "strategic_emerging_field": "true", "is_above_scale_industrial": "true", "has_rd_institution": "true", "invention_patents": "3"]),
        // 1 · not yet a 科技型中小企业: too few tech staff.
        Profile(latest: ["revenue": "8000000", "rd_expense": "80000", "total_assets": "6000000", "total_liabilities": "3500000", "total_costs": "7600000"],
                fixed: ["staff_count": "60", "tech_staff_count": "5", "ip_class1_count": "0", "ip_class2_count": "1", "restricted_industry": "false",
                        "serious_violation": "false", "is_hte": "false", "national_award_top3_5y": "false", "provincial_rd_institution": "false",
                        "led_standard_5y": "false", "is_above_scale_industrial": "false", "invention_patents": "0"]),
        // 2 · a 科技型中小企业 on points; the 高企 self-scores are not entered yet (undetermined).
        Profile(latest: ["revenue": "30000000", "rd_expense": "1500000", "total_assets": "25000000", "total_liabilities": "11000000", "total_costs": "28000000"],
                fixed: ["staff_count": "120", "tech_staff_count": "30", "ip_class1_count": "0", "ip_class2_count": "3", "restricted_industry": "false",
                        "serious_violation": "false", "years_since_registration": "4", "is_above_scale_industrial": "true",
                        "has_rd_institution": "false", "invention_patents": "0"]),
        // 3 · meets 创新型中小企业 on points.
        Profile(latest: ["revenue": "50000000", "rd_expense": "2600000", "total_assets": "40000000", "total_liabilities": "19200000",
                         "total_costs": "46000000", "main_business_revenue": "42000000"],
                fixed: ["staff_count": "150", "tech_staff_count": "40", "ip_class1_count": "2", "ip_class1_own_count": "1", "ip_class1_high_value_count": "0",
                        "ip_class2_count": "4", "restricted_industry": "false", "serious_violation": "false", "sme_size_ok": "true", "debt_ratio": "0.48",
                        "strategic_emerging_field": "true", "is_tech_sme": "true", "is_above_scale_industrial": "true",
                        "has_rd_institution": "false", "invention_patents": "2", "years_since_registration": "5"]),
        // 4 · a 专精特新 candidate meeting every condition but market position, which is not shown yet.
        Profile(latest: ["revenue": "120000000", "rd_expense": "5000000", "total_assets": "90000000", "total_liabilities": "49500000",
                         "total_costs": "108000000", "main_business_revenue": "105000000", "hitech_revenue": "80000000", "rd_expense_domestic": "5000000"],
                fixed: ["staff_count": "260", "tech_staff_count": "60", "ip_class1_count": "5", "ip_class1_own_count": "4", "ip_class2_count": "9",
                        "restricted_industry": "false", "serious_violation": "false", "sme_size_ok": "true", "debt_ratio": "0.55", "segment_years": "6",
                        "market_position_leading": "false", "zjtx_score": "58", "is_tech_sme": "true", "is_innovative_sme": "true", "is_hte": "true",
                        "provincial_award_top3_3y": "false", "provincial_rd_institution": "false", "is_above_scale_industrial": "true",
                        "has_rd_institution": "true", "invention_patents": "5", "years_since_registration": "9"]),
        // 5 · a 小巨人 candidate holding the provincial 专精特新 title.
        Profile(latest: ["revenue": "240000000", "rd_expense": "9000000", "total_assets": "180000000", "total_liabilities": "90000000",
                         "total_costs": "210000000", "main_business_revenue": "225000000", "hitech_revenue": "170000000", "rd_expense_domestic": "9000000"],
                fixed: ["staff_count": "420", "tech_staff_count": "95", "ip_class1_count": "9", "ip_class1_own_count": "6", "ip_class2_count": "14",
                        "restricted_industry": "false", "serious_violation": "false", "sme_size_ok": "true", "debt_ratio": "0.50", "segment_years": "8",
                        "segment_market_share": "0.12", "segment_domestic_rank": "4", "key_chain_link": "true", "zjtx_score": "63",
                        "national_award_top3_3y": "false", "is_tech_sme": "false", "is_innovative_sme": "true", "is_hte": "true",
                        "is_specialized_sme": "true", "is_above_scale_industrial": "true", "has_rd_institution": "true",
                        "invention_patents": "9", "years_since_registration": "12"]),
    ]

    /// Scale factor in per cent for a firm and year: years back shrink by ~11%, firms vary by up to ±9%.
    static func percent(firm: Int, yearsBack: Int) -> Int64 {
        let firmFactor = Int64(91 + (firm * 7) % 19)
        let yearFactor: Int64 = [100, 89, 80][yearsBack]
        return firmFactor * yearFactor
    }

    /// The values of firm `i` (its profile, scaled) for the year `yearsBack` before the latest.
    static func values(firm i: Int, yearsBack back: Int) -> [String: String] {
        let profile = profiles[i % profiles.count]
        var values: [String: String] = [:]
        for (name, text) in profile.latest {
            guard let yuan = Money(yuanString: text) else { continue }
            // Fen arithmetic: value × firm% × year% / 10000, truncated to whole yuan.
            let scaled = yuan.fen * percent(firm: i, yearsBack: back) / 10_000 / 100 * 100
            values[name] = Money(fen: flowVariables.contains(name) ? scaled : yuan.fen).plainYuan
        }
        if back == 0 { for (k, v) in profile.fixed { values[k] = v } }
        return values
    }

    /// Written in multi-row inserts inside the demo transaction; the demo load as a whole is one audit event.
    static func load(enterprises: [OrganizationRecord], on tx: any Database, actor: Actor) async throws {
        let sql = try StoreSQL.sql(tx)
        func b(_ v: some Encodable & Sendable) -> any SQLExpression { SQLBind(v) }
        let now = Date()
        var rows: [[any SQLExpression]] = []
        for (i, org) in enterprises.enumerated() {
            for (back, year) in years.enumerated() {
                for (k, v) in values(firm: i, yearsBack: back).sorted(by: { $0.key < $1.key }) {
                    rows.append([b(UUID()), b(org.id!), b(year), b(k), b(v), b(EntityFact.selfDeclared), b(false), b(actor.name), b(now), b(now)])
                }
            }
        }
        for start in stride(from: 0, to: rows.count, by: 1500) {
            let ins = sql.insert(into: EntityFactRecord.schema).columns(["id", "organization_id", "year", "variable", "value", "source", "verified",
                                                                         "recorded_by_name", "created_at", "updated_at"])
            for r in rows[start..<min(rows.count, start + 1500)] { ins.values(r) }
            try await ins.run()
        }
    }
}
