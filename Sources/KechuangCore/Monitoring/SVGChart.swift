import Foundation

/// Charts drawn on the server as SVG: no scripts, readable in grey print (the target is dashed, points are
/// marked), every chart with axis labels, its unit and its source underneath.
public enum SVGChart {
    public struct Point: Sendable {
        public let x: String
        public let value: Decimal
        public init(x: String, value: Decimal) {
            self.x = x
            self.value = value
        }
    }

    static let width = 640.0, height = 320.0
    static let left = 64.0, right = 24.0, top = 40.0, bottom = 70.0

    /// A line over years with an optional target line; `title` and `source` are plain text.
    /// `invert` draws smaller values higher (ranks: 1st at the top).
    public static func line(title: String, unit: String, points: [Point], target: (label: String, value: Decimal)?, source: String, invert: Bool = false) -> String {
        let values = points.map(\.value) + (target.map { [$0.value] } ?? [])
        let (lo, hi) = bounds(values)
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ i: Int) -> Double { points.count <= 1 ? left + plotW / 2 : left + plotW * Double(i) / Double(points.count - 1) }
        func y(_ v: Decimal) -> Double {
            let f = (double(v) - lo) / max(hi - lo, 1e-9)
            return top + plotH * (invert ? f : 1 - f)
        }
        var s = header(title)
        s += axes(lo: lo, hi: hi, unit: unit, invert: invert)
        for (i, p) in points.enumerated() {
            s += "<text x=\"\(fmt(x(i)))\" y=\"\(fmt(height - bottom + 18))\" text-anchor=\"middle\" font-size=\"12\">\(escape(p.x))</text>"
        }
        if let t = target {
            let ty = y(t.value)
            s += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(ty))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(ty))\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
            s += "<text x=\"\(fmt(width - right))\" y=\"\(fmt(ty - 6))\" text-anchor=\"end\" font-size=\"12\">\(escape(t.label))</text>"
        }
        if points.count > 1 {
            let path = points.enumerated().map { "\(fmt(x($0.offset))),\(fmt(y($0.element.value)))" }.joined(separator: " ")
            s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#0b5394\" stroke-width=\"2.5\"/>"
        }
        for (i, p) in points.enumerated() {
            s += "<circle cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(p.value)))\" r=\"4\" fill=\"#fff\" stroke=\"#0b5394\" stroke-width=\"2\"/>"
            s += "<text x=\"\(fmt(x(i)))\" y=\"\(fmt(y(p.value) - 10))\" text-anchor=\"middle\" font-size=\"11\">\(escape(plain(p.value)))</text>"
        }
        return s + footer(source)
    }

    /// Horizontal bars (e.g. one per banner), longest first as given.
    public static func bars(title: String, unit: String, items: [Point], source: String) -> String {
        let (lo, hi) = bounds(items.map(\.value) + [0])
        let rowH = 26.0
        let h = top + rowH * Double(max(items.count, 1)) + bottom
        let labelW = 120.0, plotW = width - labelW - right - 60
        var s = header(title, height: h)
        for (i, p) in items.enumerated() {
            let y0 = top + rowH * Double(i)
            let w = plotW * (double(p.value) - min(lo, 0)) / max(hi - min(lo, 0), 1e-9)
            s += "<text x=\"\(fmt(labelW - 8))\" y=\"\(fmt(y0 + 17))\" text-anchor=\"end\" font-size=\"12\">\(escape(p.x))</text>"
            s += "<rect x=\"\(fmt(labelW))\" y=\"\(fmt(y0 + 4))\" width=\"\(fmt(max(w, 1)))\" height=\"\(fmt(rowH - 8))\" fill=\"#6f8fb3\" stroke=\"#000\" stroke-width=\"0.5\"/>"
            s += "<text x=\"\(fmt(labelW + max(w, 1) + 6))\" y=\"\(fmt(y0 + 17))\" font-size=\"11\">\(escape(plain(p.value)))</text>"
        }
        s += "<text x=\"\(fmt(labelW))\" y=\"\(fmt(h - bottom + 20))\" font-size=\"12\">\(escape(unit))</text>"
        return s + footer(source, height: h)
    }

    static func header(_ title: String, height h: Double = height) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(fmt(width)) \(fmt(h))\" role=\"img\" aria-label=\"\(escape(title))\" font-family=\"sans-serif\">"
            + "<title>\(escape(title))</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
            + "<text x=\"\(fmt(left))\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>"
    }

    static func axes(lo: Double, hi: Double, unit: String, invert: Bool = false) -> String {
        var s = "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(height - bottom))\" stroke=\"#000\"/>"
        s += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(height - bottom))\" stroke=\"#000\"/>"
        for k in 0...4 {
            let v = lo + (hi - lo) * Double(k) / 4
            let yy = top + (height - top - bottom) * (invert ? Double(k) / 4 : 1 - Double(k) / 4)
            s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(yy + 4))\" text-anchor=\"end\" font-size=\"11\">\(escape(tick(v)))</text>"
            s += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(yy))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(yy))\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
        }
        s += "<text x=\"14\" y=\"\(fmt(top - 10))\" font-size=\"12\">\(escape(unit))</text>"
        return s
    }

    static func footer(_ source: String, height h: Double = height) -> String {
        "<text x=\"\(fmt(left))\" y=\"\(fmt(h - 14))\" font-size=\"10\">\(escape(String(source.prefix(140))))</text></svg>"
    }

    /// Axis range with a little headroom; a single value gets a range around it.
    static func bounds(_ values: [Decimal]) -> (Double, Double) {
        let d = values.map(double)
        guard let mn = d.min(), let mx = d.max() else { return (0, 1) }
        if mn == mx { return (mn == 0 ? 0 : mn * 0.8, mx == 0 ? 1 : mx * 1.2) }
        let pad = (mx - mn) * 0.1
        return (mn >= 0 && mn - pad < 0 ? 0 : mn - pad, mx + pad)
    }

    // Drawing coordinates only: the numbers printed on the chart come from the exact decimals (`plain`).
    static func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }
    static func fmt(_ v: Double) -> String { String(Int((v * 10).rounded())) == "0" ? "0" : String(format: "%.1f", v) }
    static func tick(_ v: Double) -> String { abs(v) >= 100 ? String(Int(v.rounded())) : String(format: "%.2f", v) }
    static func plain(_ d: Decimal) -> String { "\(d)" }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
