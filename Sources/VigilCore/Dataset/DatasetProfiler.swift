import VigilStats

/// Reads a delimited file into a ``DatasetProfile``: header, type inference on the first rows, then one
/// streaming pass that feeds every column's sketch in batches.
public enum DatasetProfiler {
    /// Values buffered per numeric column before they are folded into its sketch.
    static let batchSize = 4096
    /// Numeric values kept exactly per dataset (32 MB): datasets up to this size are tested exactly, larger
    /// ones from sketches with the error bound stated in the report.
    public static let exactValueBudget = 4_000_000

    public static func profile(path: String, options: DatasetReadOptions = DatasetReadOptions()) throws(DatasetError) -> DatasetProfile {
        let header = try readHeader(path: path, format: options.format)
        let schema = try inferSchema(path: path, header: header, options: options)
        return try profileRows(path: path, header: header, schema: schema, options: options)
    }

    /// Column names from the first record; blank names become `column N`, duplicates are an error.
    static func readHeader(path: String, format: CSVFormat) throws(DatasetError) -> [String] {
        let reader = try DelimitedFileReader(path: path, format: format)
        var names: [String]?
        try reader.forEachRecord { bytes, fields, line throws(DatasetError) in
            var result = [String]()
            for (index, field) in fields.enumerated() {
                let name = try reader.string(bytes, field, line: line, column: "\(index + 1)").trimmingSpaces
                result.append(name.isEmpty ? "column \(index + 1)" : name)
            }
            names = result
            return false
        }
        guard let names else { throw DatasetError(file: path, "is empty: expected a header line") }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw DatasetError(file: path, line: 1, column: name, "the header names this column twice")
        }
        return names
    }

    /// Infers each column's type from the first ``TypeInference/sampleRows`` rows, then applies the options.
    static func inferSchema(path: String, header: [String], options: DatasetReadOptions) throws(DatasetError) -> [(description: ColumnDescription, kind: ColumnKind?)] {
        for name in options.namedColumns where !header.contains(name) {
            throw DatasetError(file: path, column: name, "no such column in the header (columns: \(header.joined(separator: ", ")))")
        }
        let reader = try DelimitedFileReader(path: path, format: options.format)
        var inference = TypeInference(columnCount: header.count)
        var rows = 0
        try reader.forEachDataRecord { bytes, fields, line throws(DatasetError) in
            try checkFieldCount(fields.count, header: header, path: path, line: line)
            for (column, field) in fields.enumerated() {
                if field.hasEscapedQuotes {
                    let unescaped = CSVRecordSplitter.unescaped(bytes, field, quote: options.format.quote)
                    unescaped.withUnsafeBufferPointer { inference.observe($0, 0, $0.count, column: column) }
                } else {
                    inference.observe(bytes, field.start, field.end, column: column)
                }
            }
            rows += 1
            return rows < TypeInference.sampleRows
        }
        guard rows > 0 else { throw DatasetError(file: path, "has a header but no data rows") }
        return header.enumerated().map { index, name in
            let (type, distinct) = inference.result(column: index)
            return options.resolve(name: name, type: type, distinctValues: distinct)
        }
    }

    static func checkFieldCount(_ count: Int, header: [String], path: String, line: Int) throws(DatasetError) {
        guard count == header.count else {
            throw DatasetError(file: path, line: line, "has \(count) field\(count == 1 ? "" : "s"), the header has \(header.count)")
        }
    }

    /// One pass over all rows.
    static func profileRows(
        path: String,
        header: [String],
        schema: [(description: ColumnDescription, kind: ColumnKind?)],
        options: DatasetReadOptions
    ) throws(DatasetError) -> DatasetProfile {
        let profiled = schema.compactMap { column in column.kind.map { (name: column.description.name, kind: $0) } }
        var builder: ProfileBuilder
        do { builder = try ProfileBuilder(schema: profiled, exactValueBudget: exactValueBudget) } catch { throw DatasetError(file: path, error.description) }
        let kinds = schema.map(\.kind)
        var numeric = NumericBatch(columns: header.count, rows: batchSize)
        defer { numeric.deallocate() }
        var interners = header.indices.map { kinds[$0] == .categorical ? CategoryInterner(capacity: batchSize) : CategoryInterner(capacity: 1) }
        func flush(_ column: Int) throws(DatasetError) {
            do {
                switch kinds[column] {
                case .numeric:
                    try builder.append(numeric.values(column), missing: numeric.missing[column], to: header[column])
                    numeric.reset(column)
                case .categorical:
                    var counted = [(value: String, count: Int)]()
                    let missing = interners[column].drain { counted.append(($0, $1)) }
                    try builder.append(counted: counted, missing: missing, to: header[column])
                case nil:
                    break
                }
            } catch { throw DatasetError(file: path, column: header[column], error.description) }
        }
        let reader = try DelimitedFileReader(path: path, format: options.format)
        var pending = 0
        try reader.forEachDataRecord { bytes, fields, line throws(DatasetError) in
            try checkFieldCount(fields.count, header: header, path: path, line: line)
            for (column, field) in fields.enumerated() {
                switch kinds[column] {
                case .numeric:
                    if field.hasEscapedQuotes {
                        let cell = CSVRecordSplitter.unescaped(bytes, field, quote: options.format.quote)
                        switch parseNumber(cell) {
                        case .missing: numeric.missing[column] += 1
                        case .number(let value): numeric.append(value, to: column)
                        }
                    } else if let value = NumberParsing.parseDouble(bytes, field.start, field.end), !value.isNaN {
                        numeric.append(value, to: column)
                    } else if MissingValueTokens.isMissing(bytes, field.start, field.end) {
                        numeric.missing[column] += 1
                    } else {
                        // Text in a numeric column is invalid, like NaN: counted, never a statistic.
                        numeric.append(.nan, to: column)
                    }
                case .categorical:
                    if field.hasEscapedQuotes {
                        let text = try reader.string(bytes, field, line: line, column: header[column])
                        try Array(text.utf8).withUnsafeBufferPointer { utf8 throws(DatasetError) in
                            try interners[column].add(utf8, 0, utf8.count) { () throws(DatasetError) in text }
                        }
                    } else if MissingValueTokens.isMissing(bytes, field.start, field.end) {
                        interners[column].addMissing()
                    } else {
                        try interners[column].add(bytes, field.start, field.end) { () throws(DatasetError) in
                            try reader.string(bytes, field, line: line, column: header[column])
                        }
                    }
                case nil:
                    break
                }
            }
            pending += 1
            if pending == batchSize {
                for column in header.indices { try flush(column) }
                pending = 0
                options.progress?(path, reader.consumedBytes)
            }
            return true
        }
        for column in header.indices { try flush(column) }
        options.progress?(path, reader.consumedBytes)
        do { return try builder.finish(schema: schema.map(\.description)) } catch { throw DatasetError(file: path, error.description) }
    }

    /// One batch of numeric values for every column, in one column-major allocation: appending a cell is a
    /// store and an increment, with no per-cell array bookkeeping.
    private struct NumericBatch {
        private let storage: UnsafeMutablePointer<Double>
        private let rows: Int
        private var filled: [Int]
        var missing: [Int]

        init(columns: Int, rows: Int) {
            storage = .allocate(capacity: max(1, columns * rows))
            self.rows = rows
            filled = [Int](repeating: 0, count: columns)
            missing = [Int](repeating: 0, count: columns)
        }

        @inline(__always)
        mutating func append(_ value: Double, to column: Int) {
            storage[column &* rows &+ filled[column]] = value
            filled[column] &+= 1
        }

        func values(_ column: Int) -> UnsafeBufferPointer<Double> {
            UnsafeBufferPointer(start: storage + column * rows, count: filled[column])
        }

        mutating func reset(_ column: Int) {
            filled[column] = 0
            missing[column] = 0
        }

        func deallocate() { storage.deallocate() }
    }

    private enum NumericCell {
        case missing
        /// The parsed value, NaN when the text is not a number.
        case number(Double)
    }

    private static func parseNumber(_ bytes: [UInt8]) -> NumericCell {
        bytes.withUnsafeBufferPointer { buffer in
            MissingValueTokens.isMissing(buffer, 0, buffer.count) ? .missing : .number(NumberParsing.parseDouble(buffer, 0, buffer.count) ?? .nan)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " { view.removeFirst() }
        while view.last == " " { view.removeLast() }
        return String(view)
    }
}
