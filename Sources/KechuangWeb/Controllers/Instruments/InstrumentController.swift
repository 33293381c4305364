import Foundation
import KechuangCore
import KechuangStore
import SQLKit
import Vapor

/// Public search of the registry (bigram text search plus filters) and the instrument page.
struct InstrumentController {
    struct ListContent: Encodable {
        let rows: [Row]
        let pager: Pager
        let banners: [RegistrationController.Option]
        let filters: [String: String]
        let canRegister: Bool
        let staff: Bool
    }

    struct Row: Encodable {
        let id: String
        let name: String
        let model: String
        let owner: String
        let banner: String
        let classCode: String
        let price: String
        let bookable: Bool
        let matched: String
    }

    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "instruments", access: .everyone, use: list)
        r.on(.GET, "instruments", ":id", access: .everyone, use: show)
    }

    static let filterNames = ["q", "class", "banner", "owner", "fee_min", "fee_max", "from", "to"]

    /// Reads the filters; malformed ones are named in the error.
    static func filters(_ query: [String: String]) throws(ValidationErrors) -> InstrumentCatalog.Filters {
        var f = InstrumentCatalog.Filters()
        var v = Validator()
        f.q = String((query["q"] ?? "").prefix(100))
        let cls = (query["class"] ?? "").trimmingCharacters(in: .whitespaces)
        if !cls.isEmpty && !(cls.count <= 6 && cls.allSatisfy { $0.isASCII && $0.isNumber }) { v.add(.invalid("class", "instrument.class_code")) } else { f.classCode = cls }
        let banner = query["banner"] ?? ""
        if !banner.isEmpty && Banner(rawValue: banner) == nil { v.add(.invalid("banner", "field.not_allowed", ["value": String(banner.prefix(40))])) } else { f.banner = banner }
        if let o = query["owner"], !o.isEmpty { if let id = UUID(uuidString: o) { f.owner = id } else { v.add(.invalid("owner", "field.not_allowed", ["value": String(o.prefix(40))])) } }
        for (name, keyPath) in [("fee_min", \InstrumentCatalog.Filters.feeMinFen), ("fee_max", \InstrumentCatalog.Filters.feeMaxFen)] {
            guard let raw = query[name], !raw.isEmpty else { continue }
            if let m = Money(yuanString: raw), m.fen >= 0 { f[keyPath: keyPath] = m.fen } else { v.add(.invalid(name, "money.not_fen")) }
        }
        let from = query["from"] ?? "", to = query["to"] ?? ""
        if !from.isEmpty || !to.isEmpty {
            let a = Day(from), b = Day(to.isEmpty ? from : to)
            if a == nil { v.add(.invalid("from", "booking.bad_date")) }
            if b == nil { v.add(.invalid("to", "booking.bad_date")) }
            if let a, let b {
                if b < a { v.add(.invalid("to", "booking.end_before_start")) }
                else if let s = try? Request.beijing(date: a.description, time: "00:00", dateField: "from", timeField: "from"),
                        let e = try? Request.beijing(date: b.description, time: "00:00", dateField: "to", timeField: "to") {
                    let end = e.addingTimeInterval(86400)
                    if end.timeIntervalSince(s) > 31 * 86400 { v.add(.invalid("to", "instrument.range_too_long")) } else { f.available = (s, end) }
                }
            }
        }
        try v.throwIfAny()
        return f
    }

    /// One search as both the page and the API use it.
    static func search(req: Request, limit: Int) async throws -> (total: Int, hits: [InstrumentCatalog.Hit], filters: [String: String]) {
        let query = (try? req.query.decode([String: String].self)) ?? [:]
        let f: InstrumentCatalog.Filters
        switch Result(catching: { () throws(ValidationErrors) in try filters(query) }) {
        case .success(let x): f = x
        case .failure(let e): throw e
        }
        try await req.instrumentCatalog.refresh(on: req.db)
        var busy: [UUID: Int] = [:]
        if let range = f.available { busy = try await req.instrumentStore.busyMinutes(from: range.from, to: range.to) }
        let (total, hits) = req.instrumentCatalog.search(f, busyMinutes: busy, limit: limit)
        return (total, hits, query.filter { filterNames.contains($0.key) })
    }

    static func price(_ fen: Int64, unitMinutes: Int, req: Request) -> String {
        Money(fen: fen).display + " / " + (unitMinutes == 60 ? req.t("ins_per_hour") : req.t("ins_per_minutes", ["n": String(unitMinutes)]))
    }

    @Sendable func list(req: Request) async throws -> View {
        let page = PageQuery(page: try? req.query.get(Int.self, at: "page"), per: 20)
        let (total, hits, filters) = try await Self.search(req: req, limit: page.offset + page.per)
        let slice = hits.dropFirst(page.offset).prefix(page.per)
        let rows = slice.map { h in
            Row(id: h.entry.id.uuidString, name: h.entry.name, model: h.entry.model, owner: h.entry.organizationName,
                banner: Banner(rawValue: h.entry.banner).map { req.lang == .zh ? $0.nameZh : $0.nameEn } ?? h.entry.banner, classCode: h.entry.classCode,
                price: Self.price(h.entry.feeExternalFen, unitMinutes: h.entry.feeUnitMinutes, req: req), bookable: h.entry.bookable,
                matched: h.matched.joined(separator: " · "))
        }
        let result = PagedList(items: Array(rows), request: page, total: total)
        var canRegister = false
        if req.currentUser != nil { canRegister = !(try await req.registeringOrganizations().isEmpty) }
        return try await req.page("instruments/index", titleKey: "ins_title", content: ListContent(
            rows: result.items, pager: Pager(result, path: "/instruments", query: filters.mapValues { Optional($0) }),
            banners: Banner.allCases.map { .init(value: $0.code, label: req.lang == .zh ? $0.nameZh : $0.nameEn) },
            filters: filters, canRegister: canRegister, staff: req.currentUser?.role.isStaff ?? false))
    }

    @Sendable func show(req: Request) async throws -> View {
        let i = try await req.instrument()
        let content = try await InstrumentPage.content(req: req, instrument: i)
        return try await req.page("instruments/show", titleKey: "ins_show_title", titleArgs: ["name": i.name], content: content, forms: true)
    }
}
