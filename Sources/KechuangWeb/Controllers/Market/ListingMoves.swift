import Foundation
import KechuangCore
import KechuangStore
import Vapor

/// `POST …/status` of achievements and demands: `action` = submit, withdraw, close (owner) or publish, reject (staff,
/// reject with a note). Anyone else gets 404, so private listings cannot be probed.
enum ListingMoves {
    static func handle<L: MarketListing>(_ req: Request, _ l: L, page: String) async throws -> Response {
        let input = try InputReader(req, allowed: ["action", "note"])
        guard let action = ListingLifecycle.Action(rawValue: input["action"] ?? ""), action != .edit else {
            throw DomainError.invalid("action", "field.not_allowed", ["value": String((input["action"] ?? "").prefix(20))])
        }
        let owner = try await req.ownsOrganization(l.organizationID), staff = req.currentUser?.role.isStaff ?? false
        guard owner || staff else { throw DomainError.notFound(L.kind) }
        var v = Validator()
        let note = v.text("note", input["note"], max: 500, required: action == .reject) ?? ""
        try v.throwIfAny()
        try await ListingStore(db: req.db).move(l, action, owner: owner, staff: staff, note: note, base: try req.services.rules.require(), actor: req.actor)
        req.marketCatalog.markDirty()
        req.flash("flash_listing_\(action.rawValue)")
        return req.redirect(to: staff && !owner ? "/market/review" : page, redirectType: .normal)
    }
}
