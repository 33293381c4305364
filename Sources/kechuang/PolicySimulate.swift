import ArgumentParser
struct PolicySimulate: ParsableCommand { static let configuration = CommandConfiguration(commandName: "simulate") }
