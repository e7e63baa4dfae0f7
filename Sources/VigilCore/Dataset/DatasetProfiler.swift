import Foundation
import VigilStats

/// Reads a delimited file into a ``DatasetProfile``: header, type inference on the first rows, then one
/// streaming pass that feeds every column's sketch in batches.
public enum DatasetProfiler {
    /// Numeric values kept exactly per dataset (32 MB): datasets up to this size are tested exactly, larger
    /// ones from sketches with the error bound stated in the report.
    public static let exactValueBudget = 4_000_000

    /// Profiles a delimited file: its header, a schema inferred from the first rows, then its rows in one or
    /// two parts (``DelimitedRowsPlan``), on as many cores.
    public static func profile(path: String, options: DatasetReadOptions = DatasetReadOptions()) throws(DatasetError) -> DatasetProfile {
        let plan = try plan(path: path, options: options)
        return try plan.assemble(ParallelMap.map(Array(0..<plan.partCount), minimumParallelCount: 2) { plan.readPart($0) })
    }

    /// Reads the header, infers the schema from the first rows and splits the rows into parts.
    static func plan(path: String, options: DatasetReadOptions) throws(DatasetError) -> DelimitedRowsPlan {
        let header = try readHeader(path: path, format: options.format)
        let (schema, vectorDimensions, sample) = try inferSchema(path: path, header: header, options: options)
        let numericColumns = schema.filter { $0.kind == .numeric }.count
        let budget = budgetForExactValues(path: path, sample: sample, numericColumns: numericColumns)
        return try DelimitedRowsPlan(
            path: path, header: header, schema: schema, vectorDimensions: vectorDimensions, options: options, exactValueBudget: budget
        )
    }

    /// The exact-value budget for this file: none when the rows the file holds, estimated from its size and
    /// the sampled rows' length, clearly outgrow it (twice over), so a large file never copies millions of
    /// values it would drop a moment later. Compressed files keep the budget (their size says too little),
    /// and an estimate that is wrong only costs that copy: the sketch fallback stays automatic.
    static func budgetForExactValues(path: String, sample: (rows: Int, bytes: Int), numericColumns: Int) -> Int {
        guard sample.rows > 0, numericColumns > 0, let size = plainFileSize(path) else { return exactValueBudget }
        let estimatedRows = Double(size) / (Double(sample.bytes) / Double(sample.rows))
        return estimatedRows * Double(numericColumns) > 2 * Double(exactValueBudget) ? 0 : exactValueBudget
    }

    /// The size of an uncompressed file; nil for a gzip file, whose size says little about its contents.
    static func plainFileSize(_ path: String) -> Int? {
        guard !path.hasSuffix(".gz") else { return nil }
        return (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
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
    /// Also returns, column by column, the dimension of the vectors of a profiled vector column, and the
    /// sample's size (rows, and bytes including line endings) for ``budgetForExactValues(path:sample:numericColumns:)``.
    static func inferSchema(path: String, header: [String], options: DatasetReadOptions) throws(DatasetError) -> (
        schema: [(description: ColumnDescription, kind: ColumnKind?)], vectorDimensions: [Int?], sample: (rows: Int, bytes: Int)
    ) {
        for name in options.requiredColumns(in: header) where !header.contains(name) {
            throw DatasetError(file: path, column: name, "no such column in the header (columns: \(header.joined(separator: ", ")))")
        }
        let reader = try DelimitedFileReader(path: path, format: options.format)
        var inference = TypeInference(columnCount: header.count)
        var rows = 0
        var sampleBytes = 0
        try reader.forEachRecord(skippingHeader: true) { bytes, fields, line throws(DatasetError) in
            try checkFieldCount(fields.count, header: header, path: path, line: line)
            sampleBytes += fields[fields.count - 1].end - fields[0].start + 1
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
        var schema = [(description: ColumnDescription, kind: ColumnKind?)]()
        var vectorDimensions = [Int?]()
        for (index, name) in header.enumerated() {
            let (type, distinct, dimension) = inference.result(column: index)
            let resolved = options.resolve(name: name, type: type, distinctValues: distinct)
            schema.append(resolved)
            vectorDimensions.append(resolved.description.exclusion == nil ? dimension : nil)
        }
        return (schema, vectorDimensions, (rows, sampleBytes))
    }

    static func checkFieldCount(_ count: Int, header: [String], path: String, line: Int) throws(DatasetError) {
        guard count == header.count else { throw .fieldCount(count, expected: header.count, file: path, line: line) }
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
