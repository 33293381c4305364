import ArgumentParser
import Foundation
import KechuangCore

/// `kechuang projects bench-assign`: times expert assignment for a large call.
struct ProjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "projects", abstract: "Science-project tools.", subcommands: [BenchAssign.self])

    struct BenchAssign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bench-assign",
                                                        abstract: "Time expert assignment with conflicts of interest for a generated call (ms per run).")

        @Option(help: "Applications in the call") var applications = 1_000
        @Option(help: "Experts in the pool") var experts = 300
        @Option(help: "Experts per application") var perApplication = 5
        @Option(help: "Most reviews per expert") var maxLoad = 20
        @Option(help: "Runs (the median is reported)") var runs = 5

        func run() async throws {
            // A repeatable city: 120 organisations, 12 fields; every expert works for one, declares two conflicts,
            // one in fifty is under sanction, and one in ten applications has an expert on its team.
            var rng = SplitMix(seed: 20261203)
            let orgs = (0..<120).map { _ in UUID() }
            let fields = (0..<12).map { "field-\($0)" }
            let pool = (0..<experts).map { i in
                ExpertAssignment.Expert(id: UUID(), organizationID: orgs[rng.next(orgs.count)],
                                        fields: [fields[i % fields.count], fields[rng.next(fields.count)]],
                                        declaredConflicts: [orgs[rng.next(orgs.count)], orgs[rng.next(orgs.count)]],
                                        sanctioned: i % 50 == 0)
            }
            let apps = (0..<applications).map { i in
                ExpertAssignment.Application(id: UUID(), field: fields[rng.next(fields.count)],
                                             organizations: [orgs[rng.next(orgs.count)], orgs[rng.next(orgs.count)]],
                                             team: i % 10 == 0 ? [pool[rng.next(pool.count)].id] : [])
            }
            var times: [Double] = []
            var plan: ExpertAssignment.Plan?
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                plan = ExpertAssignment.plan(applications: apps, experts: pool, perApplication: perApplication, maxLoad: maxLoad)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            }
            times.sort()
            guard let plan else { return }
            let loads = plan.load.values
            let excluded = ExpertAssignment.Conflict.allCases.map { "\($0.rawValue) \(plan.excluded[$0] ?? 0)" }.joined(separator: ", ")
            print(String(format: "assignment: %.1f ms for %d applications × %d experts (median of %d runs; min %.1f, max %.1f)",
                         times[runs / 2], applications, experts, runs, times.first!, times.last!))
            print("assigned \(plan.assignments.values.reduce(0) { $0 + $1.count }) reviews; load \(loads.min() ?? 0)–\(loads.max() ?? 0) per expert; "
                  + "\(plan.shortfalls.count) applications short; pairs excluded: \(excluded)")
        }
    }
}

/// A small deterministic generator, so every run benchmarks the same call.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
