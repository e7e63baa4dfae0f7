import Foundation
import VigilStats

/// Turns the records of a delimited file into column batches for a ``ProfileBuilder``: numbers parsed,
/// categories counted, missing and invalid cells told apart, identical rows counted; vector cells
/// (``VectorCell``) go straight into their column's ``EmbeddingSketch``.
///
/// A plain record (no quote character: nearly every record of a typical file) is read in one pass over its
/// bytes, each cell parsed where it stands, with no field array and no copy. A record with quotes arrives
/// split into fields by ``CSVRecordSplitter``. Both paths apply the same cell rules (``NumberParsing``,
/// ``MissingValueTokens``, ``CategoryInterner``); a test checks that they give identical profiles.
///
/// Batches live in manually allocated memory, so that a cell costs no copy-on-write or exclusivity check;
/// call ``deallocate()`` exactly once.
struct DelimitedRowProfiler {
    /// Rows buffered before the batches are folded into the sketches.
    static let batchSize = 4096

    private enum Kind: UInt8 { case ignored, numeric, categorical, vector }

    private let path: String
    private let names: [String]
    private let delimiter: UInt8
    private let quote: UInt8
    /// The delimiter in every byte of a word, for ``endOfCell(_:_:_:)``.
    private let delimiterPattern: UInt64
    private let kinds: UnsafeMutableBufferPointer<Kind>
    private let numbers: NumericBatch
    /// One per column; only categorical columns' are used.
    private var categories: [CategoryInterner]
    private let powersOfTen: UnsafeMutableBufferPointer<Double>
    /// The sketches of the vector columns, by column index.
    private var vectorSketches: [Int: EmbeddingSketch]
    /// Rows added since the last flush.
    private(set) var pendingRows = 0
    /// Rows added in all.
    private(set) var rowCount = 0
    /// The labelled columns (target, prediction, scores; -1 where absent), each column's slot among them (-1:
    /// none), and their cells in the current row, by slot.
    private let labelled: DatasetReadOptions.LabelledColumns?
    /// The target's and the prediction's column (-1: none), compared with every column of every row, and their cells.
    private let targetColumn: Int
    private let predictionColumn: Int
    private var rowTarget = LabelledRows.Cell.missing
    private var rowPrediction = LabelledRows.Cell.missing
    /// Each column's place among the score columns (-1: not one), looked at only when there are scores.
    private let scoreSlots: [Int]
    /// True for the target, prediction and score columns, by column index.
    private let isLabelled: UnsafeMutableBufferPointer<Bool>
    private var rowScores: [LabelledRows.Cell]
    /// The rows' targets, predictions and scores, paired; nil unless the columns are named.
    private(set) var labelledRows: LabelledRows?
    /// The class names read so far from the target and prediction columns, with their bytes: a class cell is
    /// matched against these instead of becoming a new string on every row.
    private var knownTexts: [(bytes: [UInt8], text: String)] = []

    /// - Parameter vectorDimensions: column by column, the dimension of a vector column's vectors (whose
    ///   kind is nil: they are not a scalar column); nil for the others.
    /// - Parameter labelled: the target and prediction columns and what they pair into, when both are named.
    init(
        path: String,
        names: [String],
        kinds columnKinds: [ColumnKind?],
        vectorDimensions: [Int?],
        format: CSVFormat,
        labelled: DatasetReadOptions.LabelledColumns? = nil
    ) {
        self.path = path
        self.labelled = labelled
        targetColumn = labelled?.target ?? -1
        predictionColumn = labelled?.prediction ?? -1
        var slots = [Int](repeating: -1, count: names.count)
        for (slot, column) in (labelled?.scores ?? []).enumerated() { slots[column] = slot }
        scoreSlots = slots
        isLabelled = .allocate(capacity: max(1, names.count))
        _ = isLabelled.initialize(from: (0..<max(1, names.count)).map { labelled?.all.contains($0) ?? false })
        rowScores = Array(repeating: .missing, count: labelled?.scores.count ?? 0)
        labelledRows = labelled?.rows
        self.names = names
        delimiter = format.delimiter
        quote = format.quote
        delimiterPattern = UInt64(format.delimiter) &* 0x0101_0101_0101_0101
        kinds = .allocate(capacity: columnKinds.count)
        _ = kinds.initialize(
            from: zip(columnKinds, vectorDimensions).map { kind, dimension -> Kind in
                switch kind {
                case .numeric: .numeric
                case .categorical: .categorical
                case nil: dimension == nil ? .ignored : .vector
                }
            }
        )
        vectorSketches = [:]
        for (column, dimension) in vectorDimensions.enumerated() {
            if let dimension { vectorSketches[column] = EmbeddingSketch(dimension: dimension) }
        }
        numbers = NumericBatch(columns: columnKinds.count, rows: Self.batchSize)
        categories = columnKinds.map { _ in CategoryInterner() }
        powersOfTen = .allocate(capacity: NumberParsing.powersOfTen.count)
        _ = powersOfTen.initialize(from: NumberParsing.powersOfTen)
    }

    func deallocate() {
        kinds.deallocate()
        isLabelled.deallocate()
        numbers.deallocate()
        for interner in categories { interner.deallocate() }
        powersOfTen.deallocate()
    }

    /// The vector columns' sketches, by column name.
    var embeddings: [String: EmbeddingSketch] {
        Dictionary(uniqueKeysWithValues: vectorSketches.map { (names[$0.key], $0.value) })
    }

    /// The rows seen, by their text's hash, for counting identical rows.
    private(set) var duplicates = DuplicateRowCounter()

    /// Adds one data record; the caller flushes when ``pendingRows`` reaches ``batchSize``.
    mutating func add(_ record: DelimitedRecord) throws(DatasetError) {
        if let fields = record.quotedFields {
            try addFields(fields, of: record)
        } else {
            try addPlain(record)
        }
        duplicates.add(record.bytes, record.text)
        pendingRows += 1
        rowCount += 1
        if labelledRows != nil {
            do { try labelledRows?.add(target: rowTarget, prediction: rowPrediction, scores: rowScores) } catch {
                throw DatasetError(file: path, line: record.line, column: names[labelled!.column(of: error)], error.message)
            }
        }
    }

    /// Keeps a labelled column's cell of the current row from a plain record: the number already parsed when
    /// there is one, else the cell read again. Out of line, so that the loop over every other column stays as
    /// tight as without labelled columns (inlined, it cost 16 % more time in `addPlain` with
    /// `--target --prediction`, `perf record` on `scripts/bench_report.py --model-quality`).
    @inline(never)
    private mutating func keepLabelled(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, column: Int, parsed: Double) {
        guard !parsed.isNaN else { return capture(bytes, start, end, column: column) }
        if column == targetColumn {
            rowTarget = .number(parsed)
        } else if column == predictionColumn {
            rowPrediction = .number(parsed)
        } else {
            rowScores[scoreSlots[column]] = .number(parsed)
        }
    }

    /// Keeps the target's or the prediction's cell of the current row.
    private mutating func capture(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, column: Int) {
        let cell: LabelledRows.Cell
        if MissingValueTokens.isMissing(bytes, start, end) {
            cell = .missing
        } else if kinds[column] == .numeric {
            cell = NumberParsing.parseDouble(bytes, start, end).flatMap { $0.isNaN ? nil : LabelledRows.Cell.number($0) } ?? .missing
        } else {
            cell = .text(text(bytes, start, end))
        }
        if column == targetColumn {
            rowTarget = cell
        } else if column == predictionColumn {
            rowPrediction = cell
        } else {
            rowScores[scoreSlots[column]] = cell
        }
    }

    /// The text of a class cell: one of the known names when its bytes match, else a new string (remembered
    /// while there are at most 64).
    private mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let length = end - start
        guard length > 0 else { return "" }
        for known in knownTexts where known.bytes.count == length {
            let same = known.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress! + start, length) == 0 }
            if same { return known.text }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        if knownTexts.count < 64 { knownTexts.append((Array(bytes[start..<end]), text)) }
        return text
    }

    /// One pass over a plain record: each cell is parsed, counted or skipped as its end is found.
    private mutating func addPlain(_ record: DelimitedRecord) throws(DatasetError) {
        let bytes = record.bytes
        let end = record.text.upperBound
        var position = record.text.lowerBound
        for column in 0..<kinds.count {
            if column > 0 {
                guard position < end else { throw fieldCountError(column, line: record.line) }
                position += 1  // past the delimiter
            }
            let cellStart = position
            // NaN: the cell was not parsed as a number here (a labelled column's cell is then read by `capture`).
            var parsedNumber = Double.nan
            switch kinds[column] {
            case .numeric:
                if let parsed = NumberParsing.parsePlain(bytes, position, end, terminator: delimiter, powersOfTen: UnsafeBufferPointer(powersOfTen)) {
                    numbers.append(parsed.value, to: column)
                    position = parsed.end
                    parsedNumber = parsed.value
                } else {
                    let cellEnd = endOfCell(bytes, position, end)
                    addNumber(bytes, position, cellEnd, column: column)
                    position = cellEnd
                }
            case .categorical:
                let cellEnd = endOfCell(bytes, position, end)
                try addCategory(bytes, position, cellEnd, column: column, line: record.line)
                position = cellEnd
            case .vector:
                // Only where the delimiter cannot occur in a list (a tab or semicolon file, or numpy's spaces).
                let cellEnd = endOfCell(bytes, position, end)
                try addVector(bytes, position, cellEnd, column: column, line: record.line)
                position = cellEnd
            case .ignored:
                position = endOfCell(bytes, position, end)
            }
            if isLabelled[column] { keepLabelled(bytes, cellStart, position, column: column, parsed: parsedNumber) }
        }
        if position < end {
            var count = kinds.count
            for index in position..<end where bytes[index] == delimiter { count += 1 }
            throw fieldCountError(count, line: record.line)
        }
    }

    private mutating func addFields(_ fields: [CSVRecordSplitter.Field], of record: DelimitedRecord) throws(DatasetError) {
        guard fields.count == kinds.count else { throw fieldCountError(fields.count, line: record.line) }
        for (column, field) in fields.enumerated() where kinds[column] != .ignored {
            if field.hasEscapedQuotes {
                let cell = CSVRecordSplitter.unescaped(record.bytes, field, quote: quote)
                try cell.withUnsafeBufferPointer { cell throws(DatasetError) in try addCell(cell, 0, cell.count, column: column, line: record.line) }
            } else {
                try addCell(record.bytes, field.start, field.end, column: column, line: record.line)
            }
        }
        for column in labelled?.all ?? [] where column >= 0 {
            let field = fields[column]
            if field.hasEscapedQuotes {
                let cell = CSVRecordSplitter.unescaped(record.bytes, field, quote: quote)
                cell.withUnsafeBufferPointer { capture($0, 0, $0.count, column: column) }
            } else {
                capture(record.bytes, field.start, field.end, column: column)
            }
        }
    }

    private mutating func addCell(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, column: Int, line: Int) throws(DatasetError) {
        switch kinds[column] {
        case .numeric: addNumber(bytes, start, end, column: column)
        case .categorical: try addCategory(bytes, start, end, column: column, line: line)
        case .vector: try addVector(bytes, start, end, column: column, line: line)
        case .ignored: break
        }
    }

    /// A vector cell: a list of the column's dimension, or a missing-value token (the row has no vector).
    private mutating func addVector(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, column: Int, line: Int) throws(DatasetError) {
        if MissingValueTokens.isMissing(bytes, start, end) { return }
        let dimension = vectorSketches[column]!.dimension
        guard let vector = VectorCell.parse(bytes, start, end), vector.count == dimension else {
            throw DatasetError(
                file: path,
                line: line,
                column: names[column],
                "holds lists of \(dimension) numbers, but this row's cell is not one: \(Self.excerpt(bytes, start, end))"
            )
        }
        guard vectorSketches[column]!.add(vector) else {
            throw DatasetError(file: path, line: line, column: names[column], "the vector's norm overflows")
        }
    }

    /// The start of a cell, for an error message.
    private static func excerpt(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(end, start + 40)]), as: UTF8.self)
        return end - start > 40 ? shown + "…" : shown
    }

    /// The general rule for a numeric cell: a number, a missing-value token, or text (invalid, like NaN).
    private func addNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, column: Int) {
        if let value = NumberParsing.parseDouble(bytes, start, end), !value.isNaN {
            numbers.append(value, to: column)
        } else if MissingValueTokens.isMissing(bytes, start, end) {
            numbers.addMissing(to: column)
        } else {
            // Text in a numeric column is invalid, like NaN: counted, never a statistic.
            numbers.append(.nan, to: column)
        }
    }

    @inline(__always)
    private mutating func addCategory(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, column: Int, line: Int) throws(DatasetError) {
        guard start < end else { return categories[column].addEmpty() }
        var outcome = categories[column].add(bytes, start, end)
        if case .full = outcome {
            categories[column].grow()
            outcome = categories[column].add(bytes, start, end)
        }
        if case .invalidUTF8 = outcome { throw DatasetError(file: path, line: line, column: names[column], "invalid UTF-8") }
    }

    /// Where the cell from `start` ends: the first delimiter before `end`, or `end`. Eight bytes at a time
    /// while a whole word is readable: a delimiter's byte becomes zero under the XOR, and the zero-byte test
    /// flags the first zero exactly (a borrow only disturbs the bytes after it).
    @inline(__always)
    private func endOfCell(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = start
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        while index &+ 8 <= bytes.count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ delimiterPattern
            let zeros = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zeros != 0 { return Swift.min(index &+ (zeros.trailingZeroBitCount &>> 3), end) }
            index &+= 8
            if index >= end { return end }
        }
        while index < end && bytes[index] != delimiter { index += 1 }
        return index
    }

    private func fieldCountError(_ count: Int, line: Int) -> DatasetError {
        .fieldCount(count, expected: kinds.count, file: path, line: line)
    }

    /// Folds the pending rows into `builder` and empties the batches.
    mutating func flush(into builder: inout ProfileBuilder) throws(DatasetError) {
        for column in 0..<kinds.count {
            do {
                switch kinds[column] {
                case .numeric:
                    try builder.append(numbers.values(column), missing: numbers.missing(column), to: names[column])
                    numbers.reset(column)
                case .categorical:
                    var counted = [(value: String, count: Int)]()
                    let missing = categories[column].drain { counted.append(($0, $1)) }
                    try builder.append(counted: counted, missing: missing, to: names[column])
                case .vector, .ignored:
                    break
                }
            } catch { throw DatasetError(file: path, column: names[column], error.description) }
        }
        pendingRows = 0
    }
}

/// One batch of numeric values for every column, in one column-major allocation: appending a cell is a
/// store and an increment.
private struct NumericBatch {
    private let storage: UnsafeMutablePointer<Double>
    private let rows: Int
    private let filled: UnsafeMutablePointer<Int>
    private let missingCounts: UnsafeMutablePointer<Int>

    init(columns: Int, rows: Int) {
        storage = .allocate(capacity: max(1, columns * rows))
        self.rows = rows
        filled = .allocate(capacity: max(1, columns))
        filled.initialize(repeating: 0, count: max(1, columns))
        missingCounts = .allocate(capacity: max(1, columns))
        missingCounts.initialize(repeating: 0, count: max(1, columns))
    }

    @inline(__always)
    func append(_ value: Double, to column: Int) {
        storage[column &* rows &+ filled[column]] = value
        filled[column] &+= 1
    }

    func addMissing(to column: Int) { missingCounts[column] &+= 1 }

    func values(_ column: Int) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: storage + column * rows, count: filled[column])
    }

    func missing(_ column: Int) -> Int { missingCounts[column] }

    func reset(_ column: Int) {
        filled[column] = 0
        missingCounts[column] = 0
    }

    func deallocate() {
        storage.deallocate()
        filled.deallocate()
        missingCounts.deallocate()
    }
}
