import Foundation

/// A position in a policy file, for error messages (`file:line:column`, 1-based).
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    func advanced(by columns: Int) -> SourcePosition { SourcePosition(file: file, line: line, column: column + columns) }
}

/// A problem in a policy file, always with where it is.
public struct PolicyLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let position: SourcePosition
    public let message: String

    public init(_ position: SourcePosition, _ message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "\(position): \(message)" }
}

/// A node of the strict YAML subset policy files are written in: block mappings, block sequences,
/// plain or quoted scalars, `|` literal blocks and flow lists of scalars. Anything else is an error.
public indirect enum YNode: Sendable {
    case scalar(String, SourcePosition)
    case map([(key: String, position: SourcePosition, value: YNode)], SourcePosition)
    case seq([YNode], SourcePosition)

    public var position: SourcePosition {
        switch self {
        case .scalar(_, let p), .map(_, let p), .seq(_, let p): p
        }
    }
}

/// Parses the YAML subset; keeps line and column of every key and value.
public struct PolicyYAMLParser {
    struct Line {
        let number: Int
        let indent: Int
        let text: Substring   // without indentation and trailing comment
    }

    let file: String
    var lines: [Line] = []
    var index = 0

    public init(file: String, text: String) throws(PolicyLoadError) {
        self.file = file
        var n = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            var line = raw
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.contains("\t") {
                throw PolicyLoadError(SourcePosition(file: file, line: n, column: (line.firstIndex(of: "\t").map { line.distance(from: line.startIndex, to: $0) } ?? 0) + 1),
                                      "tabs are not allowed; indent with spaces")
            }
            let indent = line.prefix { $0 == " " }.count
            let content = Self.stripComment(line.dropFirst(indent))
            if content.trimmingCharacters(in: .whitespaces).isEmpty && !(lines.last.map { Self.isBlockScalarStart($0.text) } ?? false) {
                lines.append(Line(number: n, indent: indent, text: ""))
                continue
            }
            lines.append(Line(number: n, indent: indent, text: Substring(content.trimmingTrailingSpaces())))
        }
    }

    static func isBlockScalarStart(_ s: Substring) -> Bool { s.hasSuffix(": |") || s == "|" || s.hasSuffix("- |") }

    /// Removes a `#` comment that is not inside quotes; `#` inside a word (C#) stays.
    static func stripComment(_ s: Substring) -> Substring {
        var inDouble = false, inSingle = false
        var previous: Character = " "
        for i in s.indices {
            let c = s[i]
            if c == "\"" && !inSingle && previous != "\\" { inDouble.toggle() }
            else if c == "'" && !inDouble { inSingle.toggle() }
            else if c == "#" && !inDouble && !inSingle && (previous == " " || i == s.startIndex) { return s[..<i] }
            previous = c
        }
        return s
    }

    func pos(_ line: Line, _ offset: Int = 0) -> SourcePosition {
        SourcePosition(file: file, line: line.number, column: line.indent + offset + 1)
    }

    mutating func skipBlank() {
        while index < lines.count, lines[index].text.isEmpty { index += 1 }
    }

    /// The whole document: a mapping at indentation 0 (an empty file is an empty mapping).
    public mutating func parseDocument() throws(PolicyLoadError) -> YNode {
        skipBlank()
        guard index < lines.count else { return .map([], SourcePosition(file: file, line: 1, column: 1)) }
        let node = try parseBlock(indent: lines[index].indent)
        skipBlank()
        if index < lines.count {
            throw PolicyLoadError(pos(lines[index]), "unexpected indentation; this line does not belong to the block above")
        }
        return node
    }

    mutating func parseBlock(indent: Int) throws(PolicyLoadError) -> YNode {
        skipBlank()
        let first = lines[index]
        if first.text.hasPrefix("- ") || first.text == "-" { return try parseSeq(indent: indent) }
        return try parseMap(indent: indent)
    }

    mutating func parseMap(indent: Int) throws(PolicyLoadError) -> YNode {
        var entries: [(key: String, position: SourcePosition, value: YNode)] = []
        let start = pos(lines[index])
        while true {
            skipBlank()
            guard index < lines.count, lines[index].indent == indent else { break }
            let line = lines[index]
            if line.text.hasPrefix("- ") { throw PolicyLoadError(pos(line), "a list item where a 'key: value' was expected") }
            guard let colon = Self.keyColon(line.text) else {
                throw PolicyLoadError(pos(line), "expected 'key: value'")
            }
            let key = String(line.text[..<colon]).trimmingCharacters(in: .whitespaces)
            let keyPos = pos(line)
            if entries.contains(where: { $0.key == key }) { throw PolicyLoadError(keyPos, "duplicate key '\(key)'") }
            let rest = line.text[line.text.index(after: colon)...]
            let valueOffset = line.text.distance(from: line.text.startIndex, to: rest.startIndex) + (rest.prefix { $0 == " " }.count)
            index += 1
            let value = try parseValue(String(rest.trimmingCharacters(in: .whitespaces)), at: pos(line, valueOffset), parentIndent: indent)
            entries.append((key, keyPos, value))
        }
        if index < lines.count, lines[index].indent > indent {
            throw PolicyLoadError(pos(lines[index]), "unexpected indentation")
        }
        return .map(entries, start)
    }

    mutating func parseSeq(indent: Int) throws(PolicyLoadError) -> YNode {
        var items: [YNode] = []
        let start = pos(lines[index])
        while true {
            skipBlank()
            guard index < lines.count, lines[index].indent == indent, lines[index].text.hasPrefix("-") else { break }
            let line = lines[index]
            let rest = line.text.dropFirst().drop { $0 == " " }
            let offset = line.text.count - rest.count
            if rest.isEmpty {
                index += 1
                skipBlank()
                guard index < lines.count, lines[index].indent > indent else { throw PolicyLoadError(pos(line), "empty list item") }
                items.append(try parseBlock(indent: lines[index].indent))
            } else if Self.keyColon(rest) != nil, !rest.hasPrefix("\""), !rest.hasPrefix("'") {
                // "- key: value" starts a mapping whose further keys align with "key".
                lines[index] = Line(number: line.number, indent: indent + offset, text: rest)
                items.append(try parseMap(indent: indent + offset))
            } else {
                index += 1
                items.append(try parseValue(String(rest), at: pos(line, offset), parentIndent: indent))
            }
        }
        return .seq(items, start)
    }

    mutating func parseValue(_ text: String, at position: SourcePosition, parentIndent: Int) throws(PolicyLoadError) -> YNode {
        if text.isEmpty {
            skipBlank()
            guard index < lines.count, lines[index].indent > parentIndent else { return .scalar("", position) }
            return try parseBlock(indent: lines[index].indent)
        }
        if text == "|" { return try parseLiteralBlock(parentIndent: parentIndent, at: position) }
        if text.hasPrefix("[") { return try parseFlowList(text, at: position) }
        if text.hasPrefix("{") { throw PolicyLoadError(position, "flow mappings {…} are not supported; write one 'key: value' per line") }
        if text.hasPrefix("&") || text.hasPrefix("*") || text.hasPrefix("!") {
            throw PolicyLoadError(position, "anchors, aliases and tags are not supported")
        }
        return .scalar(try Self.unquote(text, at: position), position)
    }

    mutating func parseLiteralBlock(parentIndent: Int, at position: SourcePosition) throws(PolicyLoadError) -> YNode {
        var collected: [String] = []
        var blockIndent: Int?
        let startLine = index
        while index < lines.count {
            let l = lines[index]
            if l.text.isEmpty { collected.append(""); index += 1; continue }
            if l.indent <= parentIndent { break }
            if blockIndent == nil { blockIndent = l.indent }
            collected.append(String(repeating: " ", count: max(0, l.indent - blockIndent!)) + l.text)
            index += 1
        }
        while collected.last == "" { collected.removeLast() }
        guard !collected.isEmpty else { throw PolicyLoadError(position, "empty '|' block") }
        _ = startLine
        return .scalar(collected.joined(separator: "\n"), position.advanced(by: 0))
    }

    func parseFlowList(_ text: String, at position: SourcePosition) throws(PolicyLoadError) -> YNode {
        guard text.hasSuffix("]") else { throw PolicyLoadError(position, "a '[' list must end with ']' on the same line") }
        let inner = text.dropFirst().dropLast()
        var items: [YNode] = []
        var current = ""
        var inQuote: Character?
        var offset = 1
        var itemStart = 1
        for c in inner {
            if let q = inQuote { if c == q { inQuote = nil }; current.append(c) }
            else if c == "\"" || c == "'" { inQuote = c; current.append(c) }
            else if c == "," {
                let t = current.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty { items.append(.scalar(try Self.unquote(t, at: position.advanced(by: itemStart)), position.advanced(by: itemStart))) }
                current = ""
                itemStart = offset + 1
            } else { current.append(c) }
            offset += 1
        }
        let t = current.trimmingCharacters(in: .whitespaces)
        if !t.isEmpty { items.append(.scalar(try Self.unquote(t, at: position.advanced(by: itemStart)), position.advanced(by: itemStart))) }
        return .seq(items, position)
    }

    /// The colon that ends a key: the first ": " (or a final ":") outside quotes.
    static func keyColon(_ s: Substring) -> Substring.Index? {
        var inQuote: Character?
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if let q = inQuote { if c == q { inQuote = nil } }
            else if c == "\"" || c == "'" { if i == s.startIndex { inQuote = c } }
            else if c == ":" {
                let next = s.index(after: i)
                if next == s.endIndex || s[next] == " " { return i }
            }
            i = s.index(after: i)
        }
        return nil
    }

    static func unquote(_ text: String, at position: SourcePosition) throws(PolicyLoadError) -> String {
        if text.hasPrefix("\"") {
            guard text.count >= 2, text.hasSuffix("\"") else { throw PolicyLoadError(position, "unterminated \"quoted\" text") }
            var out = ""
            var escaping = false
            for c in text.dropFirst().dropLast() {
                if escaping {
                    switch c { case "n": out.append("\n"); case "t": out.append("\t"); default: out.append(c) }
                    escaping = false
                } else if c == "\\" { escaping = true } else { out.append(c) }
            }
            return out
        }
        if text.hasPrefix("'") {
            guard text.count >= 2, text.hasSuffix("'") else { throw PolicyLoadError(position, "unterminated 'quoted' text") }
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        return text
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        var s = self
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
