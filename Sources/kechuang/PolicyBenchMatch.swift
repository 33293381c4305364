import ArgumentParser
import Foundation
import KechuangCore

/// `kechuang policy bench-match`: how long one 一键匹配 of the whole rule base takes in process.
struct PolicyBenchMatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-match",
        abstract: "Time single-entity evaluation (and explanation) of every enterprise rule; prints JSON.")

    @Option(help: "Directory of policy files.") var rules = "policies/ordos"
    @Option(help: "Evaluations to time.") var iterations = 20000

    func run() throws {
        let base = try loadRuleBase(rules)
        let day = Day("2025-06-30")!
        // A fixed set of realistic profiles, rotated so no result is reused.
        let profiles: [[String: Value]] = (0..<64).map { i in
            let rd = Fixed(Int64([0, 500_000, 1_000_000, 2_500_000, 40_000_000][i % 5]))
            return ["rd_expense": .num(rd), "rd_expense_last_year": .num(Fixed(Int64(i % 3) * 400_000)),
                    "newly_recognized_hte": .bool(i % 4 == 0), "is_soe": .bool(i % 10 == 0), "tech_contract_income": .num(Fixed(Int64(i % 2) * 3_000_000)),
                    "standard_level": .text(["none", "national", "local"][i % 3]), "science_award_level": .text("region"),
                    "science_award_amount": .num(Fixed(200_000)), "first_completing_unit": .bool(i % 2 == 0)]
        }
        func time(_ body: (Int) -> Void) -> (p50: Double, p95: Double, mean: Double) {
            for i in 0..<500 { body(i) }
            var samples: [Double] = []
            samples.reserveCapacity(iterations)
            for i in 0..<iterations {
                let t0 = DispatchTime.now().uptimeNanoseconds
                body(i)
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
            }
            samples.sort()
            return (samples[samples.count / 2], samples[Int(Double(samples.count) * 0.95)], samples.reduce(0, +) / Double(samples.count))
        }
        let prepared = base.prepare(date: day, entity: .enterprise)
        let frame = prepared.makeFrame()
        let evaluate = time { i in
            frame.reset()
            for (k, v) in profiles[i % profiles.count] { frame.inputs[base.variableIndex[k]!] = v }
            _ = prepared.evaluate(frame)
        }
        let explain = time { i in
            _ = MatchReport.run(base: base, entity: .enterprise, date: day, inputs: profiles[i % profiles.count])
        }
        let rulesCount = base.rules.filter { $0.entities.contains(.enterprise) }.count
        func r(_ x: Double) -> String { String(format: "%.1f", x) }
        print("{\"rules\": \(rulesCount), \"iterations\": \(iterations), \"evaluate_us\": {\"p50\": \(r(evaluate.p50)), \"p95\": \(r(evaluate.p95)), \"mean\": \(r(evaluate.mean))}, \"match_with_trace_us\": {\"p50\": \(r(explain.p50)), \"p95\": \(r(explain.p95)), \"mean\": \(r(explain.mean))}}")
    }
}
