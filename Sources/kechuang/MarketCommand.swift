import ArgumentParser
import Foundation
import KechuangCore

/// `kechuang market eval`: runs the labelled matching set and prints precision@5 and recall@20.
struct MarketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "market", abstract: "Technology market tools.", subcommands: [Eval.self])

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Precision@5 and recall@20 of demand → achievement matching on the labelled set.")

        @Argument(help: "The labelled set") var file = "data/market/eval/eval-set.json"

        func run() async throws {
            let set = try JSONDecoder().decode(MatchEvalSet.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            let (r, ceiling) = set.run()
            print(String(format: "demands: %d, achievements: %d", set.demands.count, set.achievements.count))
            print(String(format: "precision@5: %.3f (the best any ranking can reach here: %.3f, as most demands have 1–3 relevant results)", r.precisionAt5, ceiling))
            print(String(format: "recall@20: %.3f", r.recallAt20))
        }
    }
}
