import ArgumentParser

/// The `vigil` command: thin argument parsing over VigilCore.
@main
struct Vigil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Watches machine-learning models in production: drift, data quality, model quality.",
        version: VigilVersion.current,
        subcommands: [MethodsCommand.self]
    )
}

enum VigilVersion {
    static let current = "0.1.0-dev"
}
