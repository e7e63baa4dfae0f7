import Foundation
import VigilStats

/// One version's predictions read request by request, for comparing two versions that scored the same requests
/// (shadow traffic): each row's request id, target, prediction and latency. A CSV file (with a header) or NDJSON.
public struct PairedRows: Sendable {
    /// A target or prediction cell.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)

        /// The class the value names, as Vigil's quality profiles name classes (1.0 is "1").
        public var className: String {
            switch self {
            case .number(let value): QualityProfile.className(of: .number(value))
            case .text(let text): text
            }
        }

        var number: Double? {
            if case .number(let value) = self { return value }
            return nil
        }
    }

    /// One request's row.
    public struct Row: Sendable, Equatable {
        /// The file's line.
        public var line: Int
        /// The ground truth, when this file has it.
        public var target: Value?
        /// The version's prediction: a class, or a number for a regressor.
        public var prediction: Value?
        /// Milliseconds the version took, when a latency column is read.
        public var latency: Double?
    }

    /// The columns read.
    public struct Columns: Sendable {
        /// The request id both versions' rows share.
        public var request: String
        /// The target column, read from either file.
        public var target: String?
        /// The prediction column.
        public var prediction: String?
        /// The latency column, in milliseconds.
        public var latency: String?

        /// The columns to read.
        public init(request: String, target: String?, prediction: String?, latency: String?) {
            self.request = request
            self.target = target
            self.prediction = prediction
            self.latency = latency
        }
    }

    /// The file read.
    public let path: String
    /// Rows by request id.
    public private(set) var rows: [String: Row] = [:]
    /// Request ids in file order, so that sums over the pairs do not depend on a dictionary's order.
    public private(set) var order: [String] = []
    /// Data rows read (rows without a request id are counted here and left unpaired).
    public private(set) var count = 0

    /// Reads `path`: NDJSON when its name ends in .ndjson or .jsonl, else delimited text with a header.
    /// A request id seen twice is an error naming both lines; so is a column the file lacks, or a latency
    /// that is not a number.
    public static func read(path: String, columns: Columns, format: CSVFormat = CSVFormat()) throws(DatasetError) -> PairedRows {
        var rows = PairedRows(path: path)
        if NDJSONProfiler.isNDJSON(path: path) {
            try rows.readNDJSON(columns)
        } else {
            try rows.readDelimited(columns, format: format)
        }
        return rows
    }

    private init(path: String) { self.path = path }

    private mutating func add(id: String?, row: Row) throws(DatasetError) {
        count += 1
        guard let id, !id.isEmpty else { return }
        if let earlier = rows[id] {
            throw DatasetError(
                file: path,
                line: row.line,
                "request id \"\(id)\" appears twice (lines \(earlier.line) and \(row.line)): a request is paired once"
            )
        }
        rows[id] = row
        order.append(id)
    }

    private mutating func readDelimited(_ columns: Columns, format: CSVFormat) throws(DatasetError) {
        let reader = try DelimitedFileReader(path: path, format: format)
        var indices: [Int?] = []
        var header = true
        let wanted = [columns.request, columns.target, columns.prediction, columns.latency]
        try reader.forEachRecord { bytes, fields, line throws(DatasetError) in
            if header {
                var names: [String] = []
                for (index, field) in fields.enumerated() { names.append(try reader.string(bytes, field, line: line, column: "column \(index + 1)")) }
                indices = try wanted.map { name throws(DatasetError) in
                    guard let name else { return nil }
                    guard let index = names.firstIndex(of: name) else {
                        throw DatasetError(file: path, line: line, "no column \"\(name)\" (columns: \(names.joined(separator: ", ")))")
                    }
                    return index
                }
                header = false
                return true
            }
            func cell(_ slot: Int) throws(DatasetError) -> String? {
                guard let index = indices[slot] else { return nil }
                guard index < fields.count else {
                    throw DatasetError(file: path, line: line, "has \(fields.count) fields where the header has more")
                }
                let field = fields[index]
                if !field.hasEscapedQuotes && MissingValueTokens.isMissing(bytes, field.start, field.end) { return nil }
                return try reader.string(bytes, field, line: line, column: wanted[slot]!)
            }
            let id = try cell(0)
            let latency = try cell(3)
            let row = Row(
                line: line,
                target: try cell(1).map(Self.value),
                prediction: try cell(2).map(Self.value),
                latency: try latency.map { text throws(DatasetError) in
                    guard let number = Double(text), number.isFinite else {
                        throw DatasetError(file: path, line: line, column: columns.latency, "latency \"\(text)\" is not a number")
                    }
                    return number
                }
            )
            try add(id: id, row: row)
            return true
        }
    }

    private static func value(_ text: String) -> Value {
        if let number = Double(text), number.isFinite { return .number(number) }
        return .text(text)
    }

    private mutating func readNDJSON(_ columns: Columns) throws(DatasetError) {
        let path = path
        var rows = self
        try LineReader(path: path).forEachLine { line, number throws(DatasetError) in
            let object = try NDJSONProfiler.object(line, number: number, path: path)
            func value(_ name: String?) throws(DatasetError) -> Value? {
                guard let name else { return nil }
                switch object[name] ?? .null {
                case .null: return nil
                case .bool(let flag): return .text(flag ? "true" : "false")
                case .number(let value): return .number(value)
                case .string(let text): return .text(text)
                case .array, .object: throw DatasetError(file: path, line: number, column: name, "is not a single value")
                }
            }
            let id: String? =
                switch try value(columns.request) {
                case .number(let value): QualityProfile.className(of: .number(value))
                case .text(let text): text
                case nil: nil
                }
            let latency = try value(columns.latency)
            if let latency, latency.number == nil {
                throw DatasetError(file: path, line: number, column: columns.latency, "latency \"\(latency.className)\" is not a number")
            }
            try rows.add(
                id: id,
                row: Row(line: number, target: try value(columns.target), prediction: try value(columns.prediction), latency: latency?.number)
            )
            return true
        }
        self = rows
    }
}
