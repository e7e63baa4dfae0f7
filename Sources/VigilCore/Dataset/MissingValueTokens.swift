/// The cell texts read as missing: pandas' default `na_values`, so that counts agree with what a user of
/// pandas or Evidently sees. NaN therefore means missing in a CSV; ±inf is a number and is counted invalid.
enum MissingValueTokens {
    static let tokens: Set<[UInt8]> = Set([
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ].map { Array($0.utf8) })

    /// Longest token, to skip the set lookup for longer cells.
    static let maximumLength = tokens.map(\.count).max()!

    static func isMissing(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        if length == 0 { return true }
        guard length <= maximumLength else { return false }
        // Cheap first-byte screen: every token starts with one of these.
        switch bytes[start] {
        case UInt8(ascii: "#"), UInt8(ascii: "-"), UInt8(ascii: "1"), UInt8(ascii: "<"), UInt8(ascii: "N"), UInt8(ascii: "n"):
            return tokens.contains(Array(UnsafeBufferPointer(rebasing: bytes[start..<end])))
        default:
            return false
        }
    }
}
