/// Infers each column's ``DataType`` from a sample of its cells.
struct TypeInference {
    /// Rows read before types are fixed.
    static let sampleRows = 10_000

    private struct ColumnEvidence {
        var nonMissing = 0
        var missing = 0
        var allNumeric = true
        var allInteger = true
        var allBoolean = true
        var allDatetime = true
        /// Every cell a list of numbers (``VectorCell``), all of `vectorDimension` elements.
        var allVectors = true
        var vectorDimension: Int?
        var distinct = Set<[UInt8]>()
        var totalLength = 0
        var withWhitespace = 0
    }

    private var evidence: [ColumnEvidence]

    init(columnCount: Int) { evidence = Array(repeating: ColumnEvidence(), count: columnCount) }

    private static let booleanTokens: Set<[UInt8]> = Set(["true", "false", "True", "False", "TRUE", "FALSE"].map { Array($0.utf8) })

    mutating func observe(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, column: Int) {
        if MissingValueTokens.isMissing(bytes, start, end) {
            evidence[column].missing += 1
            return
        }
        let cell = UnsafeBufferPointer(rebasing: bytes[start..<end])
        evidence[column].nonMissing += 1
        if evidence[column].allNumeric && NumberParsing.parseDouble(bytes, start, end) == nil { evidence[column].allNumeric = false }
        if evidence[column].allInteger && !NumberParsing.isInteger(bytes, start, end) { evidence[column].allInteger = false }
        if evidence[column].allBoolean && !Self.booleanTokens.contains(Array(cell)) { evidence[column].allBoolean = false }
        if evidence[column].allDatetime && !Self.looksLikeDatetime(cell) { evidence[column].allDatetime = false }
        if evidence[column].allVectors {
            let vector = VectorCell.parse(bytes, start, end)
            if let vector, vector.count == (evidence[column].vectorDimension ?? vector.count) {
                evidence[column].vectorDimension = vector.count
            } else {
                // Lists of different lengths are not vectors (lists of ids, say): the column stays text.
                evidence[column].allVectors = false
            }
        }
        if evidence[column].distinct.count <= 1000 { evidence[column].distinct.insert(Array(cell)) }
        evidence[column].totalLength += cell.count
        if cell.contains(UInt8(ascii: " ")) { evidence[column].withWhitespace += 1 }
    }

    /// ISO-8601-like dates: `YYYY-MM-DD`, optionally followed by a time.
    static func looksLikeDatetime(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        guard cell.count >= 10 else { return false }
        func digit(_ index: Int) -> Bool { cell[index] &- UInt8(ascii: "0") < 10 }
        let dash = UInt8(ascii: "-")
        guard digit(0), digit(1), digit(2), digit(3), cell[4] == dash, digit(5), digit(6), cell[7] == dash, digit(8), digit(9) else { return false }
        return cell.count == 10 || cell[10] == UInt8(ascii: "T") || cell[10] == UInt8(ascii: " ")
    }

    /// The inferred type and sampled distinct-value count of a column, with the vectors' dimension when the
    /// type is ``DataType/vector``.
    func result(column: Int) -> (type: DataType, distinctValues: Int, vectorDimension: Int?) {
        let e = evidence[column]
        let distinct = e.distinct.count
        guard e.nonMissing > 0 else { return (.float, 0, nil) }  // an all-missing column: numeric, like pandas' float NaN
        // pandas reads a column as integers only when no value is missing.
        if e.allInteger && e.missing == 0 { return (.integer, distinct, nil) }
        if e.allNumeric { return (.float, distinct, nil) }
        if e.allBoolean { return (.boolean, distinct, nil) }
        if e.allDatetime { return (.datetime, distinct, nil) }
        if e.allVectors, let dimension = e.vectorDimension { return (.vector, distinct, dimension) }
        // Free text: long cells, mostly with spaces, mostly distinct.
        let meanLength = Double(e.totalLength) / Double(e.nonMissing)
        if meanLength >= 30 && Double(e.withWhitespace) >= 0.5 * Double(e.nonMissing) && Double(distinct) >= 0.5 * Double(min(e.nonMissing, 1000)) {
            return (.text, distinct, nil)
        }
        return (.string, distinct, nil)
    }
}
