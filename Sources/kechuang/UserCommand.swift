import ArgumentParser
import KechuangWeb

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account with any role (for staff accounts and scripts).")

        @Option(help: "Login name: lowercase letters, digits, . _ -") var username: String
        @Option(help: "At least 8 characters with a letter and a digit.") var password: String
        @Option(help: "admin, reviewer, enterprise, institution, talent or broker.") var role: String
        @Option(help: "Name shown in the UI (defaults to the username).") var displayName: String?
        @Option(help: "Name of an existing organisation to join, e.g. 市科学技术局.") var organization: String?

        func run() async throws {
            let config = try loadConfig(.init(noDemo: true))
            print(try await reportingErrors(config) {
                try await KechuangApp.createUser(config: config, username: username, password: password, role: role,
                                                 displayName: displayName, organization: organization)
            })
        }
    }
}
