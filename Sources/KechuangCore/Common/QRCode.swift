import Foundation

/// A QR Code (ISO/IEC 18004) made here, so the 人才码 needs no image service: byte mode, versions 1–40, the four
/// error-correction levels, the mask chosen by the standard's penalty score. CI decodes the output with zbar.
///
/// The construction follows the standard's steps in order: data bits, Reed–Solomon blocks interleaved, function
/// patterns, zigzag placement, mask, format and version information.
public struct QRCode: Sendable {
    public enum Correction: Int, Sendable, CaseIterable {
        case low = 0, medium, quartile, high
        /// The two format-information bits of the level (L=01, M=00, Q=11, H=10).
        var formatBits: Int { [1, 0, 3, 2][rawValue] }
    }

    public struct TooLong: Error, Sendable {}

    public let version: Int
    public let size: Int
    public let correction: Correction
    public let mask: Int
    /// Row-major; true is a dark module.
    public let modules: [Bool]

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// The smallest symbol at `correction` that holds `data` in byte mode.
    public static func encode(_ data: [UInt8], correction: Correction = .medium) throws(TooLong) -> QRCode {
        guard let version = (1...40).first(where: { dataCapacityBits(version: $0, correction) >= 4 + countBits($0) + data.count * 8 }) else {
            throw TooLong()
        }
        let codewords = dataCodewords(data, version: version, correction: correction)
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.place(interleaved(codewords, version: version, correction: correction))
        // Try every mask, keep the one with the lowest penalty (the standard's rule).
        var best = (mask: 0, penalty: Int.max, modules: grid.modules)
        for mask in 0..<8 {
            var g = grid
            g.apply(mask: mask)
            g.drawFormat(correction: correction, mask: mask)
            let p = g.penalty()
            if p < best.penalty { best = (mask, p, g.modules) }
        }
        return QRCode(version: version, size: grid.size, correction: correction, mask: best.mask, modules: best.modules)
    }

    public static func encode(_ text: String, correction: Correction = .medium) throws(TooLong) -> QRCode {
        try encode(Array(text.utf8), correction: correction)
    }

    // MARK: - Capacity tables (ISO/IEC 18004 table 9), index 0 unused

    static let eccPerBlock: [[Int]] = [
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]
    static let blockCount: [[Int]] = [
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(_ version: Int) -> Int {
        var n = (16 * version + 128) * version + 64
        if version >= 2 {
            let align = version / 7 + 2
            n -= (25 * align - 10) * align - 55
            if version >= 7 { n -= 36 }
        }
        return n
    }

    static func dataCodewordCount(_ version: Int, _ c: Correction) -> Int {
        rawDataModules(version) / 8 - eccPerBlock[c.rawValue][version] * blockCount[c.rawValue][version]
    }

    static func dataCapacityBits(version: Int, _ c: Correction) -> Int { dataCodewordCount(version, c) * 8 }

    /// Width of the byte-mode character count.
    static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }

    // MARK: - Data and error correction

    static func dataCodewords(_ data: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(data.count, countBits(version))
        for b in data { append(Int(b), 8) }
        let capacity = dataCapacityBits(version: version, correction)
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var bytes = stride(from: 0, to: bits.count, by: 8).map { i in bits[i..<i + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) } }
        var pad: UInt8 = 0xEC
        while bytes.count < capacity / 8 {
            bytes.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return bytes
    }

    /// Splits the data into blocks, adds each block's Reed–Solomon codewords and interleaves them.
    static func interleaved(_ data: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let blocks = blockCount[correction.rawValue][version]
        let eccLength = eccPerBlock[correction.rawValue][version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = blocks - raw % blocks
        let shortLength = raw / blocks
        let divisor = ReedSolomon.divisor(degree: eccLength)
        var out: [[UInt8]] = []
        var k = 0
        for i in 0..<blocks {
            let length = shortLength - eccLength + (i < shortBlocks ? 0 : 1)
            let chunk = Array(data[k..<k + length])
            k += length
            var block = chunk
            if i < shortBlocks { block.append(0) }
            block += ReedSolomon.remainder(chunk, divisor: divisor)
            out.append(block)
        }
        var result: [UInt8] = []
        for i in 0..<out[0].count {
            for j in 0..<out.count where i != shortLength - eccLength || j >= shortBlocks { result.append(out[j][i]) }
        }
        return result
    }
}

/// Reed–Solomon over GF(2⁸) with the QR polynomial x⁸+x⁴+x³+x²+1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= Int((y >> UInt8(i)) & 1) * Int(x)
        }
        return UInt8(z)
    }

    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}

/// The module grid while a symbol is built: which modules are dark, and which belong to function patterns.
struct QRGrid {
    let version: Int
    let size: Int
    var modules: [Bool]
    var isFunction: [Bool]

    init(version: Int) {
        self.version = version
        size = version * 4 + 17
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
    }

    mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        finder(3, 3)
        finder(size - 4, 3)
        finder(3, size - 4)
        let positions = alignmentPositions()
        let last = positions.count - 1
        for (i, a) in positions.enumerated() {
            for (j, b) in positions.enumerated() where !(i == 0 && j == 0) && !(i == 0 && j == last) && !(i == last && j == 0) {
                for dy in -2...2 { for dx in -2...2 { set(a + dx, b + dy, max(abs(dx), abs(dy)) != 1) } }
            }
        }
        drawFormat(correction: .low, mask: 0) // reserves the format areas; redrawn once the mask is chosen
        if version >= 7 {
            var rem = version
            for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
            let bits = version << 12 | rem
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3, b = i / 3
                set(a, b, dark)
                set(b, a, dark)
            }
        }
    }

    mutating func finder(_ cx: Int, _ cy: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = cx + dx, y = cy + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let d = max(abs(dx), abs(dy))
                set(x, y, d != 2 && d != 4)
            }
        }
    }

    func alignmentPositions() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var result = [Int](repeating: 0, count: count)
        result[0] = 6
        var pos = size - 7
        for i in stride(from: count - 1, through: 1, by: -1) {
            result[i] = pos
            pos -= step
        }
        return result
    }

    mutating func drawFormat(correction: QRCode.Correction, mask: Int) {
        let data = correction.formatBits << 3 | mask
        var rem = data
        for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
        let bits = (data << 10 | rem) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    /// Zigzag placement: two-module columns from the right, alternately upwards and downwards, skipping column 6.
    mutating func place(_ codewords: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vert in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vert : vert
                    if !isFunction[y * size + x] && i < codewords.count * 8 {
                        modules[y * size + x] = (codewords[i >> 3] >> UInt8(7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let flip: Bool
                switch mask {
                case 0: flip = (x + y) % 2 == 0
                case 1: flip = y % 2 == 0
                case 2: flip = x % 3 == 0
                case 3: flip = (x + y) % 3 == 0
                case 4: flip = (x / 3 + y / 2) % 2 == 0
                case 5: flip = x * y % 2 + x * y % 3 == 0
                case 6: flip = (x * y % 2 + x * y % 3) % 2 == 0
                default: flip = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if flip { modules[y * size + x].toggle() }
            }
        }
    }

    /// The standard's penalty: runs of five or more, 2×2 blocks, finder-like patterns, and dark/light balance.
    func penalty() -> Int {
        var score = 0
        func dark(_ x: Int, _ y: Int) -> Bool { modules[y * size + x] }
        for horizontal in [true, false] {
            for a in 0..<size {
                var run = 0
                var last = false
                var line: [Bool] = []
                line.reserveCapacity(size)
                for b in 0..<size {
                    let d = horizontal ? dark(b, a) : dark(a, b)
                    line.append(d)
                    if b > 0 && d == last { run += 1 } else { if run >= 5 { score += run - 2 }; run = 1 }
                    last = d
                }
                if run >= 5 { score += run - 2 }
                // 1:1:3:1:1 finder-like pattern with four light modules on one side
                let pattern: [Bool] = [true, false, true, true, true, false, true]
                if size >= 11 {
                    for s in 0...(size - 7) where Array(line[s..<s + 7]) == pattern {
                        let before = s >= 4 && !line[(s - 4)..<s].contains(true)
                        let after = s + 11 <= size && !line[(s + 7)..<(s + 11)].contains(true)
                        if before || after { score += 40 }
                    }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = dark(x, y)
                if c == dark(x + 1, y) && c == dark(x, y + 1) && c == dark(x + 1, y + 1) { score += 3 }
            }
        }
        let darkCount = modules.filter { $0 }.count
        let total = size * size
        let k = (abs(darkCount * 20 - total * 10) + total - 1) / total - 1
        score += max(0, k) * 10
        return score
    }
}

extension QRCode {
    typealias Grid = QRGrid
}

extension QRCode {
    /// An SVG drawing with a four-module quiet zone, one path for all dark modules (crisp at any scale).
    public func svg(moduleSize: Int = 8) -> String {
        let quiet = 4
        let dim = (size + 2 * quiet) * moduleSize
        var path = ""
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) { path += "M\(x + quiet),\(y + quiet)h1v1h-1z" }
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(dim)" height="\(dim)" viewBox="0 0 \(size + 2 * quiet) \(size + 2 * quiet)" shape-rendering="crispEdges">\
        <rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
        """
    }

    /// A greyscale PNG with a four-module quiet zone.
    public func png(moduleSize: Int = 8) -> [UInt8] {
        let quiet = 4
        let dim = (size + 2 * quiet) * moduleSize
        var pixels = [UInt8](repeating: 255, count: dim * dim)
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) {
                for py in 0..<moduleSize {
                    let row = ((y + quiet) * moduleSize + py) * dim + (x + quiet) * moduleSize
                    for px in 0..<moduleSize { pixels[row + px] = 0 }
                }
            }
        }
        return PNGImage.greyscale(width: dim, height: dim, pixels: pixels)
    }
}
