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
    private var atEnd = false
    /// 1-based line of the next record.
    private(set) var line = 1
    private let splitter: CSVRecordSplitter
    private let chunkSize: Int
    static let defaultChunkSize = 1 << 20

    init(path: String, format: CSVFormat, chunkSize: Int = DelimitedFileReader.defaultChunkSize) throws(DatasetError) {
        self.path = path
        self.chunkSize = chunkSize
        self.format = format
        splitter = CSVRecordSplitter(format: format)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw DatasetError(file: path, "is a directory, not a data file") }
        source = try ByteSource.open(path: path)
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

    /// Calls `body` with each record's fields until the file ends or `body` returns false.
    /// The buffer pointer and field ranges are valid only during the call.
    func forEachRecord(
        _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [CSVRecordSplitter.Field], _ line: Int) throws(DatasetError) -> Bool
    ) throws(DatasetError) {
        var fields = [CSVRecordSplitter.Field]()
        fields.reserveCapacity(64)
        // The loop works on locals, not on the object's properties: a class property touched per record
        // costs a dynamic exclusivity check each time.
        var bytes = buffer
        var position = start
        var lineNumber = line
        buffer = []
        defer {
            buffer = bytes
            start = position
            line = lineNumber
        }
        while true {
            if position >= bytes.count {
                if atEnd { return }
                try refill(&bytes, &position)
                continue
            }
            let finished = atEnd
            let outcome = bytes.withUnsafeBufferPointer { splitter.parseRecord($0, from: position, atEnd: finished, fields: &fields) }
            switch outcome {
            case .incomplete:
                try refill(&bytes, &position)
            case .malformed(let lineOffset, let message):
                throw DatasetError(file: path, line: lineNumber + lineOffset, message)
            case .record(let next, let lines):
                let recordLine = lineNumber
                lineNumber += lines
                position = next
                if fields.count == 1 && fields[0].start == fields[0].end && !fields[0].hasEscapedQuotes { continue }
                let keepGoing = try bytes.withUnsafeBufferPointer { pointer throws(DatasetError) in try body(pointer, fields, recordLine) }
                if !keepGoing { return }
            }
        }
    }

    /// Keeps the unread tail of `bytes` and appends the next chunk.
    private func refill(_ bytes: inout [UInt8], _ position: inout Int) throws(DatasetError) {
        guard !atEnd else { return }
        if position > 0 {
            bytes.removeFirst(position)
            position = 0
        }
        if try !source.read(upTo: chunkSize, into: &bytes, path: path) { atEnd = true }
    }

    /// Like ``forEachRecord(_:)``, skipping the header record.
    func forEachDataRecord(
        _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [CSVRecordSplitter.Field], _ line: Int) throws(DatasetError) -> Bool
    ) throws(DatasetError) {
        var isHeader = true
        try forEachRecord { bytes, fields, line throws(DatasetError) in
            if isHeader {
                isHeader = false
                return true
            }
            return try body(bytes, fields, line)
        }
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
