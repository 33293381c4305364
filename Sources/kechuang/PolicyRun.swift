import ArgumentParser
import Foundation
import KechuangCore

/// `kechuang policy run`: 免申即享 over a CSV of any size, streamed in bounded memory.
struct PolicyRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate every rule for every row of a CSV and write one result column per rule.")

    @Option(help: "Directory of policy files.") var rules = "policies/ordos"
    @Option(help: "Input CSV with an 'id' column and one column per input variable.") var input: String
    @Option(help: "Output CSV to write.") var output: String
    @Option(help: "Evaluation date (YYYY-MM-DD); defaults to today in Beijing.") var date: String?
    @Option(help: "Entity kind of the rows.") var entity = "enterprise"
    @Option(help: "What-if parameter override NAME=VALUE (repeatable).") var set: [String] = []

    func run() throws {
        let base = try loadRuleBase(rules)
        let day = try parseDay(date)
        guard let kind = EntityKind(rawValue: entity) else { throw ValidationError("unknown entity '\(entity)'") }
        let overlay = try parseOverlay(set, base: base)
        guard let reader = LineReader(path: input) else { throw ValidationError("cannot read \(input)") }
        guard FileManager.default.createFile(atPath: output, contents: nil), let out = FileHandle(forWritingAtPath: output) else {
            throw ValidationError("cannot write \(output)")
        }
        defer { try? out.close() }

        guard let headerLine = reader.next() else { throw ValidationError("\(input) is empty") }
        var fields: [ArraySlice<UInt8>] = []
        try CSVFields.split(headerLine, into: &fields)
        let header = fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        // One evaluator per core: rows are independent, so a batch of lines is split in two and the halves are
        // written back in input order.
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        var lanes: [Lane] = []
        for k in 0..<workers {
            // Each core gets its own compiled copy of the rules: shared node objects would have both cores
            // bumping the same reference counts, which costs more than compiling the rules twice (~ms).
            let laneBase = k == 0 ? base : try loadRuleBase(rules)
            do { lanes.append(Lane(try BatchEvaluator(base: laneBase, date: day, entity: kind, overlay: overlay, header: header))) } catch {
                throw ValidationError("the input needs an 'id' column")
            }
        }
        if !lanes[0].batch.ignoredColumns.isEmpty {
            FileHandle.standardError.write(Data("note: columns that are not \(kind.rawValue) variables are ignored: \(lanes[0].batch.ignoredColumns.joined(separator: ", "))\n".utf8))
        }
        out.write(Data((lanes[0].batch.outputHeader + "\n").utf8))
        let progress = Progress(total: reader.size)
        let started = Date()
        // Blocks of whole lines: every lane reads its share of the block's lines in place, with no copy and no
        // reference counting per row (two cores touching one buffer's refcount would serialise them).
        while let block = reader.nextBlock() {
            let work = Work(block: block, lanes: lanes)
            DispatchQueue.concurrentPerform(iterations: lanes.count) { k in work.run(lane: k) }
            for lane in lanes {
                out.write(Data(lane.buffer))
                lane.buffer.removeAll(keepingCapacity: true)
            }
            progress.update(reader.offset, rows: lanes.reduce(0) { $0 + $1.batch.summary.rows })
        }
        progress.finish(rows: lanes.reduce(0) { $0 + $1.batch.summary.rows })

        let summaries = lanes.map(\.batch.summary)
        let rows = summaries.reduce(0) { $0 + $1.rows }, bad = summaries.reduce(0) { $0 + $1.badRows }
        var report = "\(rows) rows in \(String(format: "%.2f", Date().timeIntervalSince(started))) s on \(lanes.count) cores, \(bad) bad rows, date \(day), rule base \(base.version)\n"
        for (k, rule) in lanes[0].batch.outputRules.enumerated() {
            let eligible = summaries.reduce(0) { $0 + $1.eligible[k] }, undetermined = summaries.reduce(0) { $0 + $1.undetermined[k] }
            let total = summaries.reduce(Fixed.zero) { (try? $0 + $1.totals[k]) ?? $0 }
            report += "  \(rule.id): \(eligible) eligible, \(undetermined) undetermined\(rule.kind.hasAmount ? ", total \(total.yuanString) yuan" : "")\n"
        }
        FileHandle.standardError.write(Data(report.utf8))
    }
}

/// One core's evaluator and output buffer.
final class Lane: @unchecked Sendable {
    let batch: BatchEvaluator
    var buffer: [UInt8] = []
    var ranges: [Range<Int>] = []
    var fields: [ArraySlice<UInt8>] = []
    init(_ batch: BatchEvaluator) {
        self.batch = batch
        buffer.reserveCapacity(1 << 22)
    }
}

/// A block of whole lines shared by the lanes; lane k takes the k-th contiguous share, so output order is kept.
final class Work: @unchecked Sendable {
    let block: [UInt8]
    let lines: [Range<Int>]
    let lanes: [Lane]

    init(block: [UInt8], lanes: [Lane]) {
        self.block = block
        self.lanes = lanes
        var lines: [Range<Int>] = []
        var start = 0
        block.withUnsafeBufferPointer { b in
            for i in 0..<b.count where b[i] == UInt8(ascii: "\n") {
                var end = i
                if end > start, b[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                if end > start { lines.append(start..<end) }
                start = i + 1
            }
            if start < b.count { lines.append(start..<b.count) }
        }
        self.lines = lines
    }

    func run(lane k: Int) {
        let lane = lanes[k]
        let share = (lines.count + lanes.count - 1) / lanes.count
        let range = min(lines.count, k * share)..<min(lines.count, (k + 1) * share)
        block.withUnsafeBufferPointer { b in
            for i in range {
                do {
                    if try CSVFields.ranges(b, lines[i], into: &lane.ranges) {
                        lane.batch.process(b, lane.ranges, into: &lane.buffer)
                        continue
                    }
                    // Doubled quotes inside a field: the copying parser unescapes them.
                    try CSVFields.split(block[lines[i]], into: &lane.fields)
                } catch {
                    lane.fields.removeAll()
                }
                lane.batch.process(lane.fields, into: &lane.buffer)
            }
        }
    }
}

func parseDay(_ text: String?) throws -> Day {
    if let text {
        guard let d = Day(text) else { throw ValidationError("--date must be YYYY-MM-DD (got \(text))") }
        return d
    }
    return Day(ChinaTime.dateString(Date()))!
}

func parseOverlay(_ items: [String], base: RuleBase) throws -> ParameterOverlay {
    var overlay: ParameterOverlay = [:]
    for item in items {
        let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let p = base.parameter(parts[0]) else { throw ValidationError("--set needs NAME=VALUE with a known parameter (got \(item))") }
        do throws(DomainError) {
            let v = try RuleBase.convert(.text(parts[1]), to: VariableDef.parameterStandIn(p), field: p.name)
            overlay[p.name] = v ?? .unknown
        } catch {
            throw ValidationError("--set \(p.name): \(error.code)")
        }
    }
    return overlay
}

/// Reads a file line by line in 1 MiB chunks, or in blocks of whole lines for the batch path.
final class LineReader {
    let handle: FileHandle
    let size: UInt64
    private(set) var offset: UInt64 = 0
    private var chunk: [UInt8] = []
    private var start = 0
    private var eof = false

    init?(path: String) {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        handle = h
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
    }

    /// The rest of the current chunk plus about 4 MiB more, cut after the last line break (nil at the end).
    func nextBlock() -> [UInt8]? {
        var block = Array(chunk[start...])
        chunk = []
        start = 0
        while !eof && block.count < 4 << 20 {
            let data = handle.readData(ofLength: 4 << 20)
            if data.isEmpty { eof = true } else { block.append(contentsOf: data) }
        }
        if block.isEmpty { return nil }
        if !eof, let lastNL = block.lastIndex(of: UInt8(ascii: "\n")) {
            chunk = Array(block[(lastNL + 1)...])
            block.removeSubrange((lastNL + 1)...)
        }
        offset += UInt64(block.count)
        return block
    }

    func next() -> ArraySlice<UInt8>? {
        while true {
            if let nl = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = chunk[start..<nl]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                offset += UInt64(nl + 1 - start)
                start = nl + 1
                return line
            }
            if eof {
                guard start < chunk.count else { return nil }
                let line = chunk[start...]
                offset += UInt64(chunk.count - start)
                start = chunk.count
                return line
            }
            let data = handle.readData(ofLength: 1 << 20)
            if data.isEmpty { eof = true }
            chunk = Array(chunk[start...]) + data
            start = 0
        }
    }
}

/// A progress bar on stderr, only when stderr is a terminal.
struct Progress {
    let total: UInt64
    let enabled = isatty(2) == 1

    func update(_ done: UInt64, rows: Int) {
        guard enabled, total > 0 else { return }
        let f = Double(done) / Double(total)
        let width = 30
        let filled = Int(f * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(bar) \(Int(f * 100))%  \(rows) rows".utf8))
    }

    func finish(rows: Int) {
        guard enabled else { return }
        update(total, rows: rows)
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
