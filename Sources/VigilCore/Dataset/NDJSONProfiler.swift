import Foundation
import VigilStats

/// Reads newline-delimited JSON (one object per line) into a ``DatasetProfile``.
///
/// Columns are the keys seen in the first rows (each row's new keys in name order); a key missing from a row is a
/// missing value, and keys first seen later are not profiled. Numbers, booleans and strings become columns
/// like their CSV counterparts; arrays of numbers of one length are vectors (embeddings), profiled as
/// ``EmbeddingSketch``es; other nested arrays and objects are reported and not tested.
public enum NDJSONProfiler {
    /// File name endings read as NDJSON (optionally followed by `.gz`).
    public static let extensions = [".ndjson", ".jsonl", ".json"]

    public static func isNDJSON(path: String) -> Bool {
        let name = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        return extensions.contains { name.hasSuffix($0) }
    }

    private struct Evidence {
        var numbers = 0
        var integers = 0
        var booleans = 0
        var strings = 0
        var nested = 0
        var vectors = 0
        /// The length of the first array of numbers.
        var vectorDimension: Int?
        /// Whether arrays of numbers of another length followed.
        var vectorLengthsDiffer = false
        var missing = 0
        /// Distinct numbers, counted up to one past Evidently's categorical limit.
        var distinctNumbers = Set<Double>()
        var stringInference = TypeInference(columnCount: 1)
    }

    /// One NDJSON line as a JSON object, or an error naming the file, the line and what is wrong.
    static func object(_ line: ArraySlice<UInt8>, number: Int, path: String) throws(DatasetError) -> [String: JSONValue] {
        let parsed: JSONValue
        do throws(JSONParser.SyntaxError) {
            parsed = try line.withUnsafeBufferPointer { bytes throws(JSONParser.SyntaxError) in try JSONParser.parse(bytes) }
        } catch {
            throw DatasetError(file: path, line: number, "is not valid JSON: \(error.message) at byte \(error.offset + 1) of the line")
        }
        guard case .object(let row) = parsed else { throw DatasetError(file: path, line: number, "is not a JSON object") }
        return row
    }

    public static func profile(path: String, options: DatasetReadOptions = DatasetReadOptions()) throws(DatasetError) -> DatasetProfile {
        func decodeRow(_ line: ArraySlice<UInt8>, _ number: Int) throws(DatasetError) -> [String: JSONValue] {
            try object(line, number: number, path: path)
        }

        // Pass 1: columns and their types from the first rows.
        var names = [String]()
        var evidence = [String: Evidence]()
        var rows = 0
        try LineReader(path: path).forEachLine { line, number throws(DatasetError) in
            let row = try decodeRow(line, number)
            for key in row.keys.sorted() where evidence[key] == nil {
                names.append(key)
                evidence[key] = Evidence(missing: rows)
            }
            for name in names {
                switch row[name] ?? .null {
                case .null: evidence[name]!.missing += 1
                case .bool: evidence[name]!.booleans += 1
                case .number(let value):
                    evidence[name]!.numbers += 1
                    if value == value.rounded() && abs(value) < 9e15 { evidence[name]!.integers += 1 }
                    if evidence[name]!.distinctNumbers.count <= DriftTestSelection.categoricalDistinctLimit {
                        evidence[name]!.distinctNumbers.insert(value)
                    }
                case .string(let text):
                    evidence[name]!.strings += 1
                    Array(text.utf8).withUnsafeBufferPointer { evidence[name]!.stringInference.observe($0, 0, $0.count, column: 0) }
                case .array(let elements):
                    let dimension = evidence[name]!.vectorDimension ?? elements.count
                    if Self.vector(elements, dimension: dimension) != nil {
                        evidence[name]!.vectors += 1
                        evidence[name]!.vectorDimension = dimension
                    } else {
                        if Self.vector(elements, dimension: elements.count) != nil { evidence[name]!.vectorLengthsDiffer = true }
                        evidence[name]!.nested += 1
                    }
                case .object: evidence[name]!.nested += 1
                }
            }
            rows += 1
            return rows < TypeInference.sampleRows
        }
        guard rows > 0 else { throw DatasetError(file: path, "has no JSON rows") }
        for name in options.requiredColumns(in: Array(evidence.keys)) where evidence[name] == nil {
            throw DatasetError(file: path, column: name, "no such key in the first rows (keys: \(names.joined(separator: ", ")))")
        }

        var schema = [ColumnDescription]()
        var kinds = [String: ColumnKind]()
        for name in names {
            let e = evidence[name]!
            guard e.nested == 0 && (e.vectors == 0 || e.numbers + e.strings + e.booleans == 0) else {
                let reason =
                    e.vectorLengthsDiffer
                    ? "arrays of numbers of different lengths are not vectors; nested JSON values are not tested"
                    : "nested JSON values are not tested"
                schema.append(ColumnDescription(name: name, type: .string, exclusion: reason))
                continue
            }
            let type: DataType
            if e.vectors > 0 {
                type = .vector  // arrays alone: the guard above set aside columns that mix them with scalars
            } else if e.numbers > 0 && e.strings == 0 && e.booleans == 0 {
                type = e.integers == e.numbers && e.missing == 0 ? .integer : .float
            } else if e.booleans > 0 && e.numbers == 0 && e.strings == 0 {
                type = .boolean
            } else if e.strings > 0 && e.numbers == 0 && e.booleans == 0 {
                type = e.stringInference.result(column: 0).type
            } else {
                type = .string
            }
            let (description, kind) = options.resolve(name: name, type: type, distinctValues: e.distinctNumbers.count)
            schema.append(description)
            if let kind { kinds[name] = kind }
        }

        // Pass 2: every row.
        let profiled = schema.filter { $0.exclusion == nil && kinds[$0.name] != nil }.map { (name: $0.name, kind: kinds[$0.name]!) }
        var builder: ProfileBuilder
        do { builder = try ProfileBuilder(schema: profiled, exactValueBudget: DatasetProfiler.exactValueBudget) } catch {
            throw DatasetError(file: path, error.description)
        }
        var embeddings = [String: EmbeddingSketch]()
        for column in schema where column.type == .vector && column.exclusion == nil {
            embeddings[column.name] = EmbeddingSketch(dimension: evidence[column.name]!.vectorDimension!)
        }
        let vectorColumns = embeddings.keys.sorted()
        var numericValues = [String: [Double]]()
        var numericMissing = [String: Int]()
        var categoricalValues = [String: [String?]]()
        func flush() throws(DatasetError) {
            do {
                for (name, values) in numericValues {
                    try values.withUnsafeBufferPointer { buffer throws(ProfileError) in
                        try builder.append(buffer, missing: numericMissing[name] ?? 0, to: name)
                    }
                }
                for (name, values) in categoricalValues { try builder.append(values, to: name) }
            } catch { throw DatasetError(file: path, error.description) }
            numericValues = [:]
            numericMissing = [:]
            categoricalValues = [:]
        }
        var pending = 0
        var profiledRows = 0
        var duplicates = DuplicateRowCounter()
        let roleNames = schema.map(\.name)
        let labelledColumns = options.labelledRows(header: roleNames, kinds: roleNames.map { kinds[$0] })
        var labelled = labelledColumns?.rows
        func cell(_ value: JSONValue?, kind: ColumnKind?) -> LabelledRows.Cell {
            switch value ?? .null {
            case .null, .array, .object: .missing
            case .bool(let flag): kind == .numeric ? .number(flag ? 1 : 0) : .text(flag ? "True" : "False")
            case .number(let number): .number(number)
            case .string(let text):
                kind == .numeric
                    ? (Array(text.utf8).withUnsafeBufferPointer { NumberParsing.parseDouble($0, 0, $0.count) }.map(LabelledRows.Cell.number)
                        ?? .missing) : .text(text)
            }
        }
        let reader = try LineReader(path: path)
        try reader.forEachLine { line, number throws(DatasetError) in
            let row = try decodeRow(line, number)
            if let columns = labelledColumns {
                let cells = columns.all.map { $0 >= 0 ? cell(row[roleNames[$0]], kind: kinds[roleNames[$0]]) : .missing }
                do throws(LabelledRows.RowError) {
                    try labelled?.add(target: cells[0], prediction: cells[1], scores: Array(cells[2...]))
                } catch {
                    throw DatasetError(file: path, line: number, column: roleNames[columns.column(of: error)], error.message)
                }
            }
            line.withUnsafeBufferPointer { duplicates.add($0, 0..<$0.count) }
            for name in vectorColumns {
                let dimension = embeddings[name]!.dimension
                switch row[name] ?? .null {
                case .null: continue
                case .array(let elements):
                    guard let vector = Self.vector(elements, dimension: dimension) else {
                        throw DatasetError(
                            file: path,
                            line: number,
                            column: name,
                            "holds vectors of \(dimension) numbers, but this row has \(elements.count) elements or a non-number"
                        )
                    }
                    guard embeddings[name]!.add(vector) else {
                        throw DatasetError(file: path, line: number, column: name, "the vector's norm overflows")
                    }
                default:
                    throw DatasetError(
                        file: path,
                        line: number,
                        column: name,
                        "holds vectors of \(dimension) numbers, but this row has another value"
                    )
                }
            }
            for column in profiled {
                let value = row[column.name] ?? .null
                switch column.kind {
                case .numeric:
                    switch value {
                    case .null: numericMissing[column.name, default: 0] += 1
                    case .number(let number): numericValues[column.name, default: []].append(number)
                    case .bool(let flag): numericValues[column.name, default: []].append(flag ? 1 : 0)
                    case .string(let text):
                        // A string where numbers are expected: parsed when it is one, counted invalid when not.
                        let parsed = Array(text.utf8).withUnsafeBufferPointer { NumberParsing.parseDouble($0, 0, $0.count) }
                        numericValues[column.name, default: []].append(parsed ?? .nan)
                    case .array, .object: numericValues[column.name, default: []].append(.nan)
                    }
                case .categorical:
                    let text: String?
                    switch value {
                    case .null: text = nil
                    case .bool(let flag): text = flag ? "True" : "False"
                    case .number(let number): text = CategoryCounts.key(for: number)
                    case .string(let string): text = string
                    case .array, .object: text = "(nested)"
                    }
                    categoricalValues[column.name, default: []].append(text)
                }
            }
            pending += 1
            profiledRows += 1
            if pending == DelimitedRowProfiler.batchSize {
                try flush()
                pending = 0
                options.progress?(path, reader.consumedBytes)
            }
            return true
        }
        try flush()
        do {
            var profile = try builder.finish(schema: schema, duplicateRows: duplicates.count(), embeddings: embeddings, rowCount: profiledRows)
            profile.setQuality(labelled)
            return profile
        } catch {
            throw DatasetError(file: path, error.description)
        }
    }

    /// The numbers of a JSON array when it is a vector of `dimension` numbers (at least one).
    private static func vector(_ elements: [JSONValue], dimension: Int) -> [Double]? {
        guard !elements.isEmpty, elements.count == dimension, dimension <= EmbeddingSketch.maximumDimension else { return nil }
        var vector = [Double]()
        vector.reserveCapacity(dimension)
        for element in elements {
            guard case .number(let number) = element else { return nil }
            vector.append(number)
        }
        return vector
    }
}
