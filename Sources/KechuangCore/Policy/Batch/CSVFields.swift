import Foundation

/// Splits one CSV record (RFC 4180 quoting, without the line break) into fields, without copying bytes.
public enum CSVFields {
    public struct Malformed: Error, Sendable { public let reason: String }

    /// Fields of `line` as slices; quoted fields come back unquoted in `scratch` when they contain "".
    public static func split(_ line: ArraySlice<UInt8>, into fields: inout [ArraySlice<UInt8>]) throws(Malformed) {
        fields.removeAll(keepingCapacity: true)
        var i = line.startIndex
        let end = line.endIndex
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        while true {
            if i < end, line[i] == quote {
                var j = i + 1
                var plain = true
                while true {
                    guard j < end else { throw Malformed(reason: "unterminated quoted field") }
                    if line[j] == quote {
                        if j + 1 < end, line[j + 1] == quote { plain = false; j += 2; continue }
                        break
                    }
                    j += 1
                }
                if plain {
                    fields.append(line[(i + 1)..<j])
                } else {
                    var bytes: [UInt8] = []
                    var k = i + 1
                    while k < j { bytes.append(line[k]); k += line[k] == quote ? 2 : 1 }
                    fields.append(bytes[...])
                }
                j += 1
                if j == end { return }
                guard line[j] == comma else { throw Malformed(reason: "text after a closing quote") }
                i = j + 1
            } else {
                var j = i
                while j < end, line[j] != comma { j += 1 }
                fields.append(line[i..<j])
                if j == end { return }
                i = j + 1
            }
        }
    }

    /// Field ranges of one record inside `buffer`, with no copying and no reference counting: the batch hot path.
    /// Returns false when a field uses doubled quotes ("" inside a quoted field); such rows take `split`.
    public static func ranges(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, into fields: inout [Range<Int>]) throws(Malformed) -> Bool {
        fields.removeAll(keepingCapacity: true)
        var i = line.lowerBound
        let end = line.upperBound
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        while true {
            if i < end, buffer[i] == quote {
                var j = i + 1
                while true {
                    guard j < end else { throw Malformed(reason: "unterminated quoted field") }
                    if buffer[j] == quote {
                        if j + 1 < end, buffer[j + 1] == quote { return false }
                        break
                    }
                    j += 1
                }
                fields.append((i + 1)..<j)
                j += 1
                if j == end { return true }
                guard buffer[j] == comma else { throw Malformed(reason: "text after a closing quote") }
                i = j + 1
            } else {
                var j = i
                while j < end, buffer[j] != comma { j += 1 }
                fields.append(i..<j)
                if j == end { return true }
                i = j + 1
            }
        }
    }

    /// Quotes a field for output when it needs it.
    public static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Fixed {
    /// Parses ASCII digits with an optional sign and decimal point straight from bytes (the batch hot path).
    @inlinable
    public init?<C: Collection>(bytes: C) where C.Element == UInt8, C.Index == Int {
        var units: Int64 = 0
        var scale: Int8 = 0
        var seenDot = false, negative = false, digits = 0
        var i = bytes.startIndex
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: ".") {
                if seenDot { return nil }
                seenDot = true
            } else if c >= 48 && c <= 57 {
                let (m, o1) = units.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(c - 48))
                if o1 || o2 { return nil }
                units = a
                digits += 1
                if seenDot { scale += 1 }
            } else { return nil }
            i += 1
        }
        guard digits > 0, scale <= 18 else { return nil }
        self.init(units: negative ? -units : units, scale: scale)
    }

    /// Appends the value as yuan with exactly two decimals ("2271909.30"), rounding half-up if needed.
    public func appendYuan(to out: inout [UInt8]) {
        let fen = scale == 2 ? units : ((try? rounded(scale: 2, .halfUp).units) ?? 0)
        var m = fen.magnitude
        if fen < 0 { out.append(UInt8(ascii: "-")) }
        let cents = m % 100
        m /= 100
        // Digits of the whole part, most significant first, without a temporary array.
        var divisor: UInt64 = 1
        while divisor <= m / 10 { divisor *= 10 }
        repeat {
            out.append(UInt8(48 + (m / divisor) % 10))
            divisor /= 10
        } while divisor > 0
        out.append(UInt8(ascii: "."))
        out.append(UInt8(48 + cents / 10))
        out.append(UInt8(48 + cents % 10))
    }
}
