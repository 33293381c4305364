import ArgumentParser
struct PolicyRun: ParsableCommand { static let configuration = CommandConfiguration(commandName: "run") }
struct PolicySimulate: ParsableCommand { static let configuration = CommandConfiguration(commandName: "simulate") }
