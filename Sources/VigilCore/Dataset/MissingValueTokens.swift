/// The cell texts read as missing: pandas' default `na_values`, so that counts agree with what a user of
/// pandas or Evidently sees. NaN therefore means missing in a CSV; ±inf is a number and is counted invalid.
enum MissingValueTokens {
    static let tokens: [String] = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    /// Tokens grouped by byte length, so a cell is compared only with tokens of its own length.
    private static let tokensByLength: [[[UInt8]]] = {
        let byteTokens = tokens.map { Array($0.utf8) }
        var groups = [[[UInt8]]](repeating: [], count: byteTokens.map(\.count).max()! + 1)
        for token in byteTokens { groups[token.count].append(token) }
        return groups
    }()

    static func isMissing(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        if length == 0 { return true }
        guard length < tokensByLength.count else { return false }
        for token in tokensByLength[length] {
            var equal = true
            for offset in 0..<length where bytes[start + offset] != token[offset] {
                equal = false
                break
            }
            if equal { return true }
        }
        return false
    }
}
