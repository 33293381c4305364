import ArgumentParser
import Foundation
import KechuangCore

/// `kechuang policy …`: work with the policy-as-code rule base without a server.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check, test and run the policy rule base.",
        subcommands: [PolicyTest.self, PolicyRun.self, PolicySimulate.self, PolicyBenchMatch.self])
}

/// Loads a rule base or prints every load error with file:line:column and exits 1.
func loadRuleBase(_ dir: String) throws -> RuleBase {
    do {
        return try RuleBase.load(directory: dir)
    } catch let e as PolicyLoadErrors {
        FileHandle.standardError.write(Data("policy files in \(dir) have \(e.errors.count) problem(s):\n\(e.description)\n".utf8))
        throw ExitCode.failure
    }
}

struct PolicyTest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Run the test cases beside the rules.")

    @Argument(help: "Directory of policy files.") var directory = "policies/ordos"
    @Flag(name: .shortAndLong, help: "List every test, not only failures.") var verbose = false

    func run() throws {
        let base = try loadRuleBase(directory)
        let results = PolicyTestRunner(base: base).runAll()
        for r in results where verbose || !r.passed {
            print("\(r.passed ? "ok  " : "FAIL") \(r.name)  (\(r.position))")
            for f in r.failures { print("       \(f)") }
        }
        let failed = results.filter { !$0.passed }.count
        print("rule base \(base.version): \(base.rules.count) rules, \(base.parameters.count) parameters, \(base.variables.count) variables")
        print("\(results.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }
}
