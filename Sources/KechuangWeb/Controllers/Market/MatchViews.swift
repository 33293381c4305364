import Foundation
import KechuangCore
import Vapor

/// How a match and its reasons appear on a page and in the API.
struct MatchView: Content {
    let id: String
    let title: String
    let owner: String
    let score: String
    let sharedTerms: [String]
    let sameField: Bool
    let trlFits: Bool
    let sameBanner: Bool
    let trl: Int
    let reasons: String

    init(_ m: MarketMatcher.Match, req: Request) {
        id = m.listing.id.uuidString
        title = m.listing.title
        owner = m.listing.ownerName
        score = String(format: "%.2f", m.score)
        sharedTerms = m.sharedTerms
        sameField = m.sameField
        trlFits = m.trlFits
        sameBanner = m.sameBanner
        trl = m.listing.trl
        var parts: [String] = []
        if !m.sharedTerms.isEmpty { parts.append(req.t("match_reason_terms", ["terms": m.sharedTerms.joined(separator: "、")])) }
        if m.sameField { parts.append(req.t("match_reason_field", ["field": req.t("field_\(m.listing.field.rawValue)")])) }
        parts.append(req.t(m.trlFits ? "match_reason_trl_fits" : "match_reason_trl_short", ["trl": String(m.listing.trl)]))
        if m.sameBanner { parts.append(req.t("match_reason_banner", ["banner": req.bannerName(m.listing.banner)])) }
        reasons = parts.joined(separator: "；")
    }
}

struct HolderView: Content {
    let id: String
    let name: String
    let results: Int
    let score: String

    init(_ h: MarketMatcher.Holder) {
        id = h.ownerID.uuidString
        name = h.ownerName
        results = h.results
        score = String(format: "%.2f", h.score)
    }
}
