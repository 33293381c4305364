import Foundation

/// An exact decimal: `units / 10^scale`. Policy arithmetic never touches binary floating point.
///
/// Addition, subtraction and multiplication are exact (the scale grows as needed); division and
/// `rounded` take an explicit rounding mode. Overflow is reported, never wrapped.
public struct Fixed: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let units: Int64
    public let scale: Int8

    public init(units: Int64, scale: Int8) {
        self.units = units
        self.scale = scale
    }

    public init(_ integer: Int64) { self.init(units: integer, scale: 0) }

    public static let zero = Fixed(units: 0, scale: 0)
    static let pow10: [Int64] = (0...18).map { p in (0..<p).reduce(Int64(1)) { a, _ in a * 10 } }

    /// Parses "12", "-0.5", "1234.567"; nil for anything else (no exponents, no grouping).
    public init?(parsing text: Substring) {
        var s = text
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        guard !s.isEmpty else { return nil }
        var units: Int64 = 0
        var scale: Int8 = 0
        var seenDot = false
        var digits = 0
        for c in s.utf8 {
            if c == UInt8(ascii: ".") {
                if seenDot { return nil }
                seenDot = true
                continue
            }
            guard c >= 48, c <= 57 else { return nil }
            digits += 1
            let (m, o1) = units.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c - 48))
            if o1 || o2 { return nil }
            units = a
            if seenDot { scale += 1 }
        }
        guard digits > 0, scale <= 18 else { return nil }
        self.init(units: negative ? -units : units, scale: scale)
    }

    public init?(parsing text: String) { self.init(parsing: Substring(text)) }

    /// Fen of a money value (scale 2), after rounding with `mode`.
    public func fen(_ mode: RoundingMode = .halfUp) throws(FixedError) -> Int64 {
        try rounded(scale: 2, mode).units
    }

    public static func fen(_ fen: Int64) -> Fixed { Fixed(units: fen, scale: 2) }

    /// The same value at a larger scale (exact).
    func rescaled(to s: Int8) throws(FixedError) -> Int64 {
        if s == scale { return units }
        let diff = Int(s - scale)
        guard diff > 0, diff <= 18 else { throw .overflow }
        let (r, o) = units.multipliedReportingOverflow(by: Self.pow10[diff])
        if o { throw .overflow }
        return r
    }

    public static func + (a: Fixed, b: Fixed) throws(FixedError) -> Fixed {
        let s = max(a.scale, b.scale)
        let (r, o) = try a.rescaled(to: s).addingReportingOverflow(try b.rescaled(to: s))
        if o { throw .overflow }
        return Fixed(units: r, scale: s)
    }

    public static func - (a: Fixed, b: Fixed) throws(FixedError) -> Fixed {
        try a + Fixed(units: -b.units, scale: b.scale)
    }

    public static func * (a: Fixed, b: Fixed) throws(FixedError) -> Fixed {
        let (r, o) = a.units.multipliedReportingOverflow(by: b.units)
        if o || Int(a.scale) + Int(b.scale) > 18 { throw .overflow }
        return Fixed(units: r, scale: a.scale + b.scale).normalized()
    }

    /// Division to `scale` decimals with `mode`; division by zero is an error, not infinity.
    public static func divide(_ a: Fixed, _ b: Fixed, scale: Int8 = 10, mode: RoundingMode = .halfEven) throws(FixedError) -> Fixed {
        guard b.units != 0 else { throw .divisionByZero }
        // a/b = (a.units * 10^(scale + b.scale - a.scale)) / b.units, in 128 bits: the ratio of two sums of
        // money in the tens of millions (growth rates) needs more than 64 bits before the division.
        let shift = Int(scale) + Int(b.scale) - Int(a.scale)
        guard abs(shift) <= 36 else { throw .overflow }
        var num = Int128(a.units)
        var den = Int128(b.units)
        if shift >= 0 { num *= Self.pow10Wide(shift) } else { den *= Self.pow10Wide(-shift) }
        let q = roundedQuotient(num, den, mode)
        guard let units = Int64(exactly: q) else { throw .overflow }
        return Fixed(units: units, scale: scale).normalized()
    }

    static func pow10Wide(_ n: Int) -> Int128 {
        var p: Int128 = 1
        for _ in 0..<n { p *= 10 }
        return p
    }

    /// Rounds to `scale` decimals (a no-op when already that precise).
    public func rounded(scale s: Int8, _ mode: RoundingMode) throws(FixedError) -> Fixed {
        if scale <= s { return Fixed(units: try rescaled(to: s), scale: s) }
        let diff = Int(scale - s)
        guard diff <= 18 else { return Fixed(units: 0, scale: s) }
        return Fixed(units: Self.roundedQuotient(units, Self.pow10[diff], mode), scale: s)
    }

    static func roundedQuotient<T: FixedWidthInteger & SignedInteger>(_ n: T, _ d: T, _ mode: RoundingMode) -> T {
        var q = n / d
        let r = n % d
        if r == 0 { return q }
        let negative = (n < 0) != (d < 0)
        let twice = r.magnitude * 2, whole = d.magnitude
        let half: ComparisonResult = twice < whole ? .less : (twice > whole ? .greater : .equal)
        switch mode {
        case .down: break
        case .floor: if negative { q -= 1 }
        case .ceiling: if !negative { q += 1 }
        case .up: q += negative ? -1 : 1
        case .halfUp: if half != .less { q += negative ? -1 : 1 }
        case .halfEven: if half == .greater || (half == .equal && q % 2 != 0) { q += negative ? -1 : 1 }
        }
        return q
    }

    /// Drops trailing zero decimals, so scales stay small and multiplication does not overflow early.
    func normalized() -> Fixed {
        var u = units, s = scale
        while s > 0, u % 10 == 0 { u /= 10; s -= 1 }
        return Fixed(units: u, scale: s)
    }

    public static func < (a: Fixed, b: Fixed) -> Bool { a.compare(b) == .less }
    public static func == (a: Fixed, b: Fixed) -> Bool { a.compare(b) == .equal }
    public func hash(into h: inout Hasher) {
        let n = normalized()
        h.combine(n.units)
        h.combine(n.scale)
    }

    public func compare(_ b: Fixed) -> ComparisonResult {
        let s = max(scale, b.scale)
        guard let x = try? rescaled(to: s), let y = try? b.rescaled(to: s) else {
            // Out of Int64 range after rescaling: compare through Decimal, exactly.
            let dx = decimal, dy = b.decimal
            return dx < dy ? .orderedAscending : (dx > dy ? .orderedDescending : .orderedSame)
        }
        return x < y ? .orderedAscending : (x > y ? .orderedDescending : .orderedSame)
    }

    public var decimal: Decimal { Decimal(sign: units < 0 ? .minus : .plus, exponent: -Int(scale), significand: Decimal(units.magnitude)) }
    public var isZero: Bool { units == 0 }
    public var isNegative: Bool { units < 0 }

    public var description: String {
        guard scale > 0 else { return String(units) }
        let a = units.magnitude
        let p = UInt64(Self.pow10[Int(scale)])
        var frac = String(a % p)
        while frac.count < Int(scale) { frac = "0" + frac }
        return (units < 0 ? "-" : "") + String(a / p) + "." + frac
    }

    /// Money style: two decimals, rounded half-up.
    public var yuanString: String {
        (try? rounded(scale: 2, .halfUp).description) ?? description
    }
}

extension ComparisonResult {
    static let less = ComparisonResult.orderedAscending
    static let equal = ComparisonResult.orderedSame
    static let greater = ComparisonResult.orderedDescending
}

extension UInt64 {
    func compare(_ other: UInt64) -> ComparisonResult { self < other ? .less : (self > other ? .greater : .equal) }
}

/// How a result is brought to fewer decimals; every rounding in a rule names one.
public enum RoundingMode: String, Sendable, CaseIterable {
    /// Towards zero (截断).
    case down
    /// Away from zero.
    case up
    case floor
    case ceiling
    /// Halves away from zero (四舍五入).
    case halfUp = "half_up"
    /// Halves to the even neighbour (banker's rounding).
    case halfEven = "half_even"
}

public enum FixedError: Error, Sendable, Equatable {
    case overflow
    case divisionByZero
}
