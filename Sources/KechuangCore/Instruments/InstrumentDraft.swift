import Foundation

/// Where the money for an instrument came from (national platform field `funds`).
public enum FundingSource: String, CaseIterable, Sendable {
    case centralFiscal = "central_fiscal", localFiscal = "local_fiscal", ownFunds = "own_funds", other
}

/// Condition of an instrument (national platform field `status`); only `active` ones take bookings.
public enum InstrumentStatus: String, CaseIterable, Sendable {
    case active, faulty, repair, retired
}

/// Who may book: everyone (对社会开放), members of the owning unit only, or nobody.
public enum ShareMode: String, CaseIterable, Sendable {
    case external, `internal`, none
}

/// How a service is delivered (national platform `serviceContent`).
public enum ServiceMode: String, CaseIterable, Sendable {
    case onSite = "on_site", sampleDelivery = "sample_delivery", operatorRun = "operator_run", remote
}

/// A registry entry as typed in a form or an import row, checked field by field (national platform core fields
/// plus the booking rules). Money in fen; shares as exact decimals.
public struct InstrumentDraft: Sendable, Equatable {
    public var name = "", model = "", manufacturer = "", country = "", classCode = "", assetNumber = ""
    public var originalValue = Money.zero
    public var fundingSource = FundingSource.localFiscal
    /// Share paid with fiscal funds, 0–1, as typed ("1", "0.8", "80%").
    public var fiscalShare = "1"
    public var purchaseDate = ""
    public var banner = Banner.kangbashi
    public var location = "", specifications = "", functions = "", applicationFields = "", sampleRequirements = ""
    public var serviceModes: [ServiceMode] = []
    public var feeUnitMinutes = 60
    public var feeInternal = Money.zero, feeExternal = Money.zero
    public var contactName = "", contactPhone = ""
    public var status = InstrumentStatus.active
    public var shareMode = ShareMode.external
    public var openingHours: [Int: Range<Int>] = BookingPolicy.officeHours.openingHours
    public var minMinutes = 30, maxMinutes = 480, bufferMinutes = 0, maxDaysAhead = 60, cancelHours = 24
    public var approvalRequired = false
    public var qualification = ""

    public init() {}

    /// Column names of the import template and names of the form fields, in the template's order.
    public static let fieldNames = [
        "name", "model", "manufacturer", "country", "class_code", "asset_number", "original_value", "funding_source", "fiscal_share",
        "purchase_date", "banner", "location", "specifications", "functions", "application_fields", "sample_requirements",
        "service_modes", "fee_unit_minutes", "fee_internal", "fee_external", "contact_name", "contact_phone", "status", "share_mode",
        "opening_hours", "min_minutes", "max_minutes", "buffer_minutes", "max_days_ahead", "cancel_hours", "approval_required", "qualification",
    ]

    /// Checks every field and reports all problems at once, each naming its field.
    public static func parse(_ f: [String: String], today: String) throws(ValidationErrors) -> InstrumentDraft {
        var v = Validator()
        var d = InstrumentDraft()
        d.name = v.text("name", f["name"], max: 100) ?? ""
        d.model = v.text("model", f["model"], max: 100) ?? ""
        d.manufacturer = v.text("manufacturer", f["manufacturer"], max: 100) ?? ""
        d.country = v.text("country", f["country"], max: 50) ?? ""
        d.assetNumber = v.text("asset_number", f["asset_number"], max: 50, required: false) ?? ""
        let code = (f["class_code"] ?? "").trimmingCharacters(in: .whitespaces)
        if code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) { d.classCode = code } else { v.add(.invalid("class_code", "instrument.class_code")) }
        d.originalValue = v.money("original_value", f["original_value"], positive: true) ?? .zero
        if let s = v.choice("funding_source", f["funding_source"], as: FundingSource.self) { d.fundingSource = s }
        if let share = Self.fiscalShare(f["fiscal_share"]) { d.fiscalShare = share } else { v.add(.invalid("fiscal_share", "instrument.fiscal_share")) }
        let date = (f["purchase_date"] ?? "").trimmingCharacters(in: .whitespaces)
        if let day = Day(date), date <= today { d.purchaseDate = day.description } else { v.add(.invalid("purchase_date", "instrument.purchase_date")) }
        if let b = Banner(codeOrName: f["banner"] ?? "") { d.banner = b } else { v.add(.invalid("banner", "field.not_allowed", ["value": String((f["banner"] ?? "").prefix(40))])) }
        d.location = v.text("location", f["location"], max: 200) ?? ""
        d.specifications = v.text("specifications", f["specifications"], max: 2000) ?? ""
        d.functions = v.text("functions", f["functions"], max: 2000) ?? ""
        d.applicationFields = v.text("application_fields", f["application_fields"], max: 500) ?? ""
        d.sampleRequirements = v.text("sample_requirements", f["sample_requirements"], max: 1000, required: false) ?? ""
        d.serviceModes = modes(f["service_modes"], &v)
        d.feeUnitMinutes = v.integer("fee_unit_minutes", f["fee_unit_minutes"], 1...1440) ?? 60
        d.feeInternal = v.money("fee_internal", f["fee_internal"]) ?? .zero
        d.feeExternal = v.money("fee_external", f["fee_external"]) ?? .zero
        d.contactName = v.text("contact_name", f["contact_name"], max: 50) ?? ""
        let phone = (f["contact_phone"] ?? "").trimmingCharacters(in: .whitespaces)
        if phone.count >= 7, phone.count <= 20, phone.allSatisfy({ $0.isASCII && ($0.isNumber || "-+ ()".contains($0)) }) { d.contactPhone = phone }
        else { v.add(.invalid("contact_phone", "instrument.phone")) }
        if let s = v.choice("status", f["status"], as: InstrumentStatus.self) { d.status = s }
        if let s = v.choice("share_mode", f["share_mode"], as: ShareMode.self) { d.shareMode = s }
        if let h = OpeningHours.parse(f["opening_hours"] ?? "") { d.openingHours = h } else { v.add(.invalid("opening_hours", "instrument.opening_hours")) }
        d.minMinutes = v.integer("min_minutes", f["min_minutes"], 5...1440) ?? 30
        d.maxMinutes = v.integer("max_minutes", f["max_minutes"], 5...1440) ?? 480
        if d.maxMinutes < d.minMinutes { v.add(.invalid("max_minutes", "instrument.max_below_min")) }
        d.bufferMinutes = v.integer("buffer_minutes", f["buffer_minutes"], 0...240) ?? 0
        d.maxDaysAhead = v.integer("max_days_ahead", f["max_days_ahead"], 1...365) ?? 60
        d.cancelHours = v.integer("cancel_hours", f["cancel_hours"], 0...336) ?? 24
        switch (f["approval_required"] ?? "").trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "1", "是", "yes": d.approvalRequired = true
        case "false", "0", "否", "no", "": d.approvalRequired = false
        default: v.add(.invalid("approval_required", "field.not_allowed", ["value": String((f["approval_required"] ?? "").prefix(40))]))
        }
        d.qualification = v.text("qualification", f["qualification"], max: 100, required: false) ?? ""
        try v.throwIfAny()
        return d
    }

    /// The draft as form/import values (the inverse of `parse`).
    public var fields: [String: String] {
        ["name": name, "model": model, "manufacturer": manufacturer, "country": country, "class_code": classCode, "asset_number": assetNumber,
         "original_value": originalValue.plainYuan, "funding_source": fundingSource.rawValue, "fiscal_share": fiscalShare, "purchase_date": purchaseDate,
         "banner": banner.code, "location": location, "specifications": specifications, "functions": functions, "application_fields": applicationFields,
         "sample_requirements": sampleRequirements, "service_modes": serviceModes.map(\.rawValue).joined(separator: ","),
         "fee_unit_minutes": String(feeUnitMinutes), "fee_internal": feeInternal.plainYuan, "fee_external": feeExternal.plainYuan,
         "contact_name": contactName, "contact_phone": contactPhone, "status": status.rawValue, "share_mode": shareMode.rawValue,
         "opening_hours": OpeningHours.format(openingHours), "min_minutes": String(minMinutes), "max_minutes": String(maxMinutes),
         "buffer_minutes": String(bufferMinutes), "max_days_ahead": String(maxDaysAhead), "cancel_hours": String(cancelHours),
         "approval_required": approvalRequired ? "true" : "false", "qualification": qualification]
    }

    /// "1", "0.8" or "80%" → a decimal string in 0…1 with at most four decimals (nil when it is none of these).
    public static func fiscalShare(_ raw: String?) -> String? {
        var s = (raw ?? "").trimmingCharacters(in: .whitespaces)
        var percent = false
        if s.hasSuffix("%") { percent = true; s.removeLast() }
        guard let x = Fixed(parsing: s), !x.isNegative, x.scale <= 4 else { return nil }
        let value = percent ? (try? Fixed.divide(x, Fixed(100), scale: 6)) : x
        guard let value, value <= Fixed(1) else { return nil }
        return value.description
    }

    static func modes(_ raw: String?, _ v: inout Validator) -> [ServiceMode] {
        let parts = (raw ?? "").replacingOccurrences(of: "，", with: ",").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var out: [ServiceMode] = []
        for p in parts {
            guard let m = ServiceMode(rawValue: p) else { v.add(.invalid("service_modes", "field.not_allowed", ["value": String(p.prefix(40))])); return [] }
            if !out.contains(m) { out.append(m) }
        }
        if out.isEmpty { v.add(.invalid("service_modes", "field.required")) }
        return out
    }
}
