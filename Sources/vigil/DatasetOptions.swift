import ArgumentParser
import VigilCore

/// How to read dataset files: shared by `profile`, `report` and `check`.
struct DatasetOptions: ParsableArguments {
    @Option(help: "Field delimiter: a single character, or 'tab'.")
    var delimiter = ","

    @Option(help: "Columns to treat as categorical (comma-separated).")
    var categorical: [String] = []

    @Option(help: "Columns to treat as numeric (comma-separated).")
    var numeric: [String] = []

    @Option(help: "Columns to leave out (comma-separated), e.g. ids and timestamps.")
    var ignore: [String] = []

    func validate() throws {
        _ = try format()
    }

    func format() throws -> CSVFormat {
        if delimiter == "tab" || delimiter == "\\t" { return CSVFormat(delimiter: UInt8(ascii: "\t")) }
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte != UInt8(ascii: "\"") else {
            throw ValidationError("--delimiter must be one ASCII character other than a quote, or 'tab' (got \"\(delimiter)\")")
        }
        return CSVFormat(delimiter: byte)
    }

    func readOptions() throws -> DatasetReadOptions {
        func names(_ values: [String]) -> Set<String> {
            Set(values.flatMap { $0.split(separator: ",").map { String($0) } })
        }
        return DatasetReadOptions(format: try format(), categorical: names(categorical), numeric: names(numeric), ignored: names(ignore))
    }
}
