import Foundation

/// A page request: 1-based page number and a bounded page size, so no list can be fetched whole.
public struct PageQuery: Sendable, Equatable {
    public static let maxPer = 100
    public let page: Int
    public let per: Int

    public init(page: Int?, per: Int?, defaultPer: Int = 20) {
        self.page = max(1, page ?? 1)
        self.per = min(Self.maxPer, max(1, per ?? defaultPer))
    }

    public var offset: Int { (page - 1) * per }
}

/// One page of results with the total, enough to draw "page 2 of 7".
public struct PagedList<Item: Sendable>: Sendable {
    public let items: [Item]
    public let page: Int
    public let per: Int
    public let total: Int

    public init(items: [Item], request: PageQuery, total: Int) {
        self.items = items
        self.page = request.page
        self.per = request.per
        self.total = total
    }

    /// The same page with each item turned into a row for display.
    public func map<T: Sendable>(_ transform: (Item) throws -> T) rethrows -> PagedList<T> {
        PagedList<T>(items: try items.map(transform), request: PageQuery(page: page, per: per, defaultPer: per), total: total)
    }

    public var pageCount: Int { max(1, (total + per - 1) / per) }
    public var hasPrevious: Bool { page > 1 }
    public var hasNext: Bool { page < pageCount }
}
