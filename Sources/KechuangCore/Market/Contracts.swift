import Foundation

/// A technology contract presented for registration (技术合同认定登记): the five types, both parties with their
/// GB/T 2260 region codes, the total and the technical income (技术交易额) in fen.
public struct ContractDraft: Sendable, Equatable {
    public var contractNumber = "", title = ""
    public var type = ContractType.development
    public var field = PriorityField.other
    public var sellerName = "", sellerRegion = "", buyerName = "", buyerRegion = ""
    public var total = Money.zero, technicalIncome = Money.zero
    public var signedOn = Day("2000-01-01")!

    public init() {}

    public static let fieldNames = ["contract_number", "title", "type", "field", "seller_name", "seller_region", "buyer_name", "buyer_region",
                                    "total", "technical_income", "signed_on"]

    public static func parse(_ f: [String: String], today: Day) throws(ValidationErrors) -> ContractDraft {
        var v = Validator()
        var d = ContractDraft()
        let number = (f["contract_number"] ?? "").trimmingCharacters(in: .whitespaces)
        if number.count >= 4, number.count <= 40, number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_/".contains($0)) }) {
            d.contractNumber = number
        } else { v.add(.invalid("contract_number", "market.contract_number")) }
        d.title = v.text("title", f["title"], min: 4, max: 200) ?? ""
        if let x = v.choice("type", f["type"], as: ContractType.self) { d.type = x }
        if let x = v.choice("field", f["field"], as: PriorityField.self) { d.field = x }
        d.sellerName = v.text("seller_name", f["seller_name"], max: 100) ?? ""
        d.buyerName = v.text("buyer_name", f["buyer_name"], max: 100) ?? ""
        d.sellerRegion = region("seller_region", f["seller_region"], &v)
        d.buyerRegion = region("buyer_region", f["buyer_region"], &v)
        d.total = v.money("total", f["total"], positive: true) ?? .zero
        d.technicalIncome = v.money("technical_income", f["technical_income"], positive: true) ?? .zero
        if d.technicalIncome > d.total && d.total.fen > 0 { v.add(.invalid("technical_income", "market.income_above_total")) }
        if let day = v.day("signed_on", f["signed_on"]) {
            if day > today { v.add(.invalid("signed_on", "market.signed_in_future")) } else { d.signedOn = day }
        }
        try v.throwIfAny()
        return d
    }

    /// A 6-digit administrative division code; the first two digits name a province (11–82).
    static func region(_ field: String, _ raw: String?, _ v: inout Validator) -> String {
        let s = (raw ?? "").trimmingCharacters(in: .whitespaces)
        guard s.count == 6, s.allSatisfy({ $0.isASCII && $0.isNumber }), let p = Int(s.prefix(2)), (11...82).contains(p) else {
            v.add(.invalid(field, "market.region_code"))
            return ""
        }
        return s
    }

    /// Ordos and its banners: 1506xx.
    public static let ordosRegionPrefix = "1506"
    public static func isOrdos(_ region: String) -> Bool { region.hasPrefix(ordosRegionPrefix) }

    /// The registration number: year, the seller's region code and a 6-digit serial (16 digits).
    public static func registrationNumber(year: Int, sellerRegion: String, serial: Int) -> String {
        String(year) + sellerRegion + String(format: "%06d", serial)
    }
}
