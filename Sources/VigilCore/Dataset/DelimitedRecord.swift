/// One record of a delimited file as ``DelimitedFileReader`` found it; valid only during the reader's callback.
struct DelimitedRecord {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The record's text without its line ending: what identical rows are recognized by.
    let text: Range<Int>
    /// 1-based line where the record starts.
    let line: Int
    /// The fields of a record with quote characters, split by ``CSVRecordSplitter``. Nil for a plain record
    /// (no quotes, one line), whose fields are simply the runs of `text` between delimiters.
    let quotedFields: [CSVRecordSplitter.Field]?

    /// The fields of a plain record, written into `fields` (reused to avoid allocation).
    func splitPlain(delimiter: UInt8, into fields: inout [CSVRecordSplitter.Field]) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = text.lowerBound
        for index in text where bytes[index] == delimiter {
            fields.append(CSVRecordSplitter.Field(start: fieldStart, end: index, hasEscapedQuotes: false))
            fieldStart = index + 1
        }
        fields.append(CSVRecordSplitter.Field(start: fieldStart, end: text.upperBound, hasEscapedQuotes: false))
    }
}
