/// Why a dataset could not be read: one line naming the file and, where it applies, line and column.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based physical line, when the problem is at a place in the file.
    public var line: Int?
    /// The column's name (or 1-based number when the header is unknown).
    public var column: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A record with `count` fields where the header has `expected`.
    static func fieldCount(_ count: Int, expected: Int, file: String, line: Int) -> DatasetError {
        DatasetError(file: file, line: line, "has \(count) field\(count == 1 ? "" : "s"), the header has \(expected)")
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += " (column \"\(column)\")" }
        return "\(place): \(message)"
    }
}
