import Foundation

/// Streams the records of a delimited text file (CSV by default, gzip-compressed when the name ends in
/// `.gz`) in fixed-size chunks, so memory does not grow with the number of rows. Strips a UTF-8 byte-order mark, accepts LF and CRLF, and reports every
/// malformed record with its file and line.
final class DelimitedFileReader {
    let path: String
    let format: CSVFormat
    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var start = 0
    /// The file offset of `buffer[0]`.
    private var origin: Int
    private var atEnd = false
    /// 1-based line of the next record.
    private(set) var line = 1
    private let splitter: CSVRecordSplitter
    private let chunkSize: Int
    static let defaultChunkSize = 1 << 20

    /// Opens `path` for reading from the record starting at byte `offset` of a plain file (0: from the
    /// beginning, past a byte-order mark). Lines are then numbered from 1 at `offset`.
    init(path: String, format: CSVFormat, startingAt offset: Int = 0, chunkSize: Int = DelimitedFileReader.defaultChunkSize) throws(DatasetError) {
        self.path = path
        origin = offset
        self.chunkSize = chunkSize
        self.format = format
        splitter = CSVRecordSplitter(format: format)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw DatasetError(file: path, "is a directory, not a data file") }
        source = try ByteSource.open(path: path)
        if offset > 0 {
            try source.seek(to: offset, path: path)
            return
        }
        // Enough bytes to recognize a byte-order mark, whatever the chunk size.
        while buffer.count < 3 && !atEnd { try refill() }
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
    }

    deinit { source.close() }

    /// Reads the next chunk into the object's buffer (used before the record loop starts).
    private func refill() throws(DatasetError) {
        var bytes = buffer
        var position = start
        buffer = []
        try refill(&bytes, &position)
        buffer = bytes
        start = position
    }

    /// Bytes of the file consumed so far.
    var consumedBytes: Int { source.consumedBytes }

    /// The file offset where the next record starts (between calls of ``forEachRawRecord(skippingHeader:until:_:)``).
    var nextRecordOffset: Int { origin + start }

    /// Moves past the first line ending at or after the current position (to the file's end when none
    /// follows) and returns the new ``nextRecordOffset``: where a part of the file may start reading.
    func skipToNextLine() throws(DatasetError) -> Int {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                start = newline + 1
                return nextRecordOffset
            }
            start = buffer.count
            if atEnd { return nextRecordOffset }
            try refill()
        }
    }

    /// Calls `body` with each record until the file ends, `body` returns false, or the next record would
    /// start at or past file offset `limit`. Blank lines are skipped, and so is the first record when
    /// `skippingHeader` is set. The record's buffer is valid only during the call.
    ///
    /// A plain record (its line holds no quote character, the common case) is handed over as its text
    /// alone, found with two `memchr` scans; only records with quotes go through ``CSVRecordSplitter``.
    func forEachRawRecord(
        skippingHeader: Bool = false, until limit: Int = .max, _ body: (DelimitedRecord) throws(DatasetError) -> Bool
    ) throws(DatasetError) {
        var skipping = skippingHeader
        var fields = [CSVRecordSplitter.Field]()
        fields.reserveCapacity(64)
        // The loop works on locals, not on the object's properties: a class property touched per record
        // costs a dynamic exclusivity check each time.
        var bytes = buffer
        var position = start
        var lineNumber = line
        var finished = atEnd
        var bufferOrigin = origin
        let quote = format.quote
        buffer = []
        defer {
            buffer = bytes
            start = position
            line = lineNumber
        }
        while true {
            if position >= bytes.count {
                if finished { return }
                try refill(&bytes, &position)
                finished = atEnd
                bufferOrigin = origin
                continue
            }
            if bufferOrigin &+ position >= limit { return }
            let plain = bytes.withUnsafeBufferPointer { Self.plainLine($0, from: position, quote: quote) }
            if let plain {
                let recordLine = lineNumber
                lineNumber += 1
                position = plain.next
                if plain.text.isEmpty { continue }
                if skipping {
                    skipping = false
                    continue
                }
                let keepGoing = try bytes.withUnsafeBufferPointer { pointer throws(DatasetError) in
                    try body(DelimitedRecord(bytes: pointer, text: plain.text, line: recordLine, quotedFields: nil))
                }
                if !keepGoing { return }
                continue
            }
            let outcome = bytes.withUnsafeBufferPointer { splitter.parseRecord($0, from: position, atEnd: finished, fields: &fields) }
            switch outcome {
            case .incomplete:
                try refill(&bytes, &position)
                finished = atEnd
                bufferOrigin = origin
            case .malformed(let lineOffset, let message):
                throw DatasetError(file: path, line: lineNumber + lineOffset, message)
            case .record(let next, let lines):
                let recordLine = lineNumber
                let recordStart = position
                lineNumber += lines
                position = next
                if fields.count == 1 && fields[0].start == fields[0].end && !fields[0].hasEscapedQuotes { continue }
                if skipping {
                    skipping = false
                    continue
                }
                let keepGoing = try bytes.withUnsafeBufferPointer { pointer throws(DatasetError) in
                    let text = recordStart..<Self.endOfText(pointer, recordStart, next)
                    return try body(DelimitedRecord(bytes: pointer, text: text, line: recordLine, quotedFields: fields))
                }
                if !keepGoing { return }
            }
        }
    }

    /// Calls `body` with each record's fields until the file ends or `body` returns false.
    /// The buffer pointer and field ranges are valid only during the call.
    func forEachRecord(
        skippingHeader: Bool = false,
        _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [CSVRecordSplitter.Field], _ line: Int) throws(DatasetError) -> Bool
    ) throws(DatasetError) {
        var split = [CSVRecordSplitter.Field]()
        let delimiter = format.delimiter
        try forEachRawRecord(skippingHeader: skippingHeader) { record throws(DatasetError) in
            if let quoted = record.quotedFields { return try body(record.bytes, quoted, record.line) }
            record.splitPlain(delimiter: delimiter, into: &split)
            return try body(record.bytes, split, record.line)
        }
    }

    /// The line starting at `start` when it ends (with `\n`) inside the buffer and holds no quote character:
    /// its text without the line ending, and where the next record starts.
    private static func plainLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, quote: UInt8) -> (text: Range<Int>, next: Int)? {
        let base = buffer.baseAddress!
        guard let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) else { return nil }
        let lineEnd = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
        guard memchr(base + start, Int32(quote), lineEnd - start) == nil else { return nil }
        let end = lineEnd > start && buffer[lineEnd - 1] == UInt8(ascii: "\r") ? lineEnd - 1 : lineEnd
        return (start..<end, lineEnd + 1)
    }

    /// The end of a record's text that runs up to `next`, without its line ending (LF, CRLF or CR).
    private static func endOfText(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ next: Int) -> Int {
        var end = next
        if end > start && buffer[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return end
    }

    /// Keeps the unread tail of `bytes` and appends the next chunk.
    private func refill(_ bytes: inout [UInt8], _ position: inout Int) throws(DatasetError) {
        guard !atEnd else { return }
        if position > 0 {
            bytes.removeFirst(position)
            origin += position
            position = 0
        }
        if try !source.read(upTo: chunkSize, into: &bytes, path: path) { atEnd = true }
    }

    /// A field's text, validated as UTF-8.
    func string(_ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVRecordSplitter.Field, line: Int, column: String) throws(DatasetError) -> String {
        let text: String?
        if field.hasEscapedQuotes {
            text = String(validating: CSVRecordSplitter.unescaped(bytes, field, quote: format.quote), as: UTF8.self)
        } else {
            text = String(validating: UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]), as: UTF8.self)
        }
        guard let text else { throw DatasetError(file: path, line: line, column: column, "invalid UTF-8") }
        return text
    }
}
