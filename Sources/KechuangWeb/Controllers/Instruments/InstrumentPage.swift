import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// The instrument page: specifications, fees, booking rules, the must-share verdict of the policy engine, a
/// week of availability and the booking form (re-shown with errors and, on a clash, the waiting-list offer).
enum InstrumentPage {
    struct Content: Encodable {
        let id: String
        let name: String
        let owner: String
        let ownerID: String
        let facts: [Fact]
        let rules: [Fact]
        let obligation: Obligation?
        let days: [Day]
        let weekStart: String
        let previousWeek: String
        let nextWeek: String
        let signedIn: Bool
        let bookable: Bool
        let manages: Bool
        let internalUser: Bool
        let qualificationMissing: String?
        let form: FormState
        /// Set after a clash: the slot the user may queue for.
        let waitlistSlot: WaitSlot?
        let calendarURL: String
    }

    struct Fact: Encodable {
        let label: String
        let value: String
    }

    struct Obligation: Encodable {
        let applies: Bool
        let status: String
        let reasons: [String]
        let article: String
    }

    struct Day: Encodable {
        let date: String
        let weekday: String
        let closed: Bool
        let segments: [Segment]
    }

    struct Segment: Encodable {
        let from: String
        let to: String
        let busy: Bool
    }

    struct WaitSlot: Encodable {
        let date: String
        let start: String
        let end: String
    }

    static func facts(_ i: InstrumentRecord, owner: String, req: Request) -> [Fact] {
        let d = InstrumentStore.draft(of: i)
        let banner = Banner(rawValue: i.bannerCode).map { req.lang == .zh ? $0.nameZh : $0.nameEn } ?? i.bannerCode
        return [
            .init(label: req.t("ins_f_model"), value: i.model), .init(label: req.t("ins_f_manufacturer"), value: i.manufacturer),
            .init(label: req.t("ins_f_country"), value: i.country), .init(label: req.t("ins_f_class_code"), value: i.classCode),
            .init(label: req.t("ins_f_original_value"), value: Money(fen: i.originalValueFen).display),
            .init(label: req.t("ins_f_funding_source"), value: req.t("funding_\(i.fundingSource)")),
            .init(label: req.t("ins_f_purchase_date"), value: i.purchaseDate), .init(label: req.t("ins_f_owner"), value: owner),
            .init(label: req.t("ins_f_location"), value: banner + " · " + i.location),
            .init(label: req.t("ins_f_specifications"), value: i.specifications), .init(label: req.t("ins_f_functions"), value: i.functions),
            .init(label: req.t("ins_f_application_fields"), value: i.applicationFields),
            .init(label: req.t("ins_f_sample_requirements"), value: i.sampleRequirements.isEmpty ? "—" : i.sampleRequirements),
            .init(label: req.t("ins_f_service_modes"), value: d.serviceModes.map { req.t("service_mode_\($0.rawValue)") }.joined(separator: "、")),
            .init(label: req.t("ins_f_fee_internal"), value: InstrumentController.price(i.feeInternalFen, unitMinutes: i.feeUnitMinutes, req: req)),
            .init(label: req.t("ins_f_fee_external"), value: InstrumentController.price(i.feeExternalFen, unitMinutes: i.feeUnitMinutes, req: req)),
            .init(label: req.t("ins_f_contact"), value: i.contactName + " " + i.contactPhone),
            .init(label: req.t("ins_f_status"), value: req.t("ins_status_\(i.status)")),
            .init(label: req.t("ins_f_share_mode"), value: req.t("share_mode_\(i.shareMode)")),
        ]
    }

    static func rules(_ i: InstrumentRecord, req: Request) -> [Fact] {
        [
            .init(label: req.t("ins_f_opening_hours"), value: OpeningHours.format(OpeningHours.fromStorage(i.openingHours)) + " " + req.t("ins_beijing_time")),
            .init(label: req.t("ins_rule_length"), value: req.t("ins_rule_length_value", ["min": String(i.minMinutes), "max": String(i.maxMinutes)])),
            .init(label: req.t("ins_f_buffer_minutes"), value: String(i.bufferMinutes)),
            .init(label: req.t("ins_f_max_days_ahead"), value: String(i.maxDaysAhead)),
            .init(label: req.t("ins_f_approval_required"), value: req.t(i.approvalRequired ? "yes" : "no")),
            .init(label: req.t("ins_f_qualification"), value: i.qualification.isEmpty ? req.t("ins_none") : i.qualification),
            .init(label: req.t("ins_f_cancel_hours"), value: String(i.cancelHours)),
        ]
    }

    /// Asks the policy engine whether art. 22's must-share rule applies, with its reasons.
    static func obligation(_ i: InstrumentRecord, owner: OrganizationRecord?, req: Request) -> Obligation? {
        guard let base = req.services.rules.current else { return nil }
        let report = MatchReport.run(base: base, entity: .instrument, date: req.today,
                                     inputs: InstrumentCompliance.inputs(i, owner: owner)).only("instrument_must_share")
        guard let item = report.items.first else { return nil }
        return Obligation(applies: item.outcome.status == .eligible, status: req.t("status_\(item.outcome.status.rawValue)"),
                          reasons: item.trace.conditions.map { "\($0.source)：\($0.substituted) \($0.result == .bool(true) ? "✓" : ($0.result == .bool(false) ? "✗" : "?"))" },
                          article: req.t("cite_article", ["n": "22"]))
    }

    static func content(req: Request, instrument i: InstrumentRecord, form: FormState = .empty, waitlist: WaitSlot? = nil) async throws -> Content {
        let manages = try await req.managesInstrument(i)
        let me = req.currentUser
        let weekParam = (try? req.query.get(String.self, at: "week")).flatMap { KechuangCore.Day($0) }
        let start = (try? Request.beijing(date: weekParam?.description ?? ChinaTime.dateString(req.now), time: "00:00", dateField: "week", timeField: "week")) ?? req.now
        let end = start.addingTimeInterval(7 * 86400)
        let known = try await req.instrumentStore.pageFacts(i, visitorID: me?.id, from: start, to: end)
        let owner = known.owner, busy = known.busy, missing = known.qualificationMissing
        let internalUser = known.visitor?.internalUser ?? false
        let days = i.policy.availability(from: start, days: 7, busy: busy).map { d in
            Day(date: d.date, weekday: req.t("weekday_\(d.weekday)"), closed: d.segments.isEmpty, segments: d.segments.map {
                Segment(from: String(ChinaTime.display($0.slot.start).suffix(5)), to: String(ChinaTime.display($0.slot.end).suffix(5)), busy: $0.busy)
            })
        }
        var defaults = form
        if defaults.values.isEmpty { defaults.values = ["date": ChinaTime.dateString(req.now.addingTimeInterval(86400)), "start": "09:00", "end": "11:00", "repeat": "1"] }
        return Content(id: i.id!.uuidString, name: i.name, owner: owner?.name ?? "", ownerID: i.$organization.id.uuidString,
                       facts: facts(i, owner: owner?.name ?? "", req: req), rules: rules(i, req: req), obligation: obligation(i, owner: owner, req: req),
                       days: days, weekStart: ChinaTime.dateString(start), previousWeek: ChinaTime.dateString(start.addingTimeInterval(-7 * 86400)),
                       nextWeek: ChinaTime.dateString(end), signedIn: me != nil, bookable: i.bookable && (i.shareMode == "external" || internalUser),
                       manages: manages, internalUser: internalUser, qualificationMissing: missing, form: defaults, waitlistSlot: waitlist,
                       calendarURL: "/instruments/\(i.id!.uuidString)/calendar.ics")
    }
}
