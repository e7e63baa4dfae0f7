/// The dialect of a delimited text file.
public struct CSVFormat: Sendable, Equatable {
    /// Field separator byte: `,` by default, `;`, `\t` or `|` by flag.
    public var delimiter: UInt8
    public var quote: UInt8

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\"")) {
        self.delimiter = delimiter
        self.quote = quote
    }

    public static let standard = CSVFormat()
}
