/// Splits RFC 4180 text into records and fields without copying: each field is a byte range of the
/// buffer, unescaped only when it was quoted and contained doubled quotes.
///
/// Handles quoted fields with embedded delimiters, doubled quotes and newlines, CRLF and LF line ends,
/// and records that run past the end of a buffer (the caller refills and retries). Errors name the
/// physical line.
struct CSVRecordSplitter {
    /// A field's location in the buffer.
    struct Field {
        var start: Int
        var end: Int
        /// Quoted and containing `""`: the bytes need unescaping before use.
        var hasEscapedQuotes: Bool
    }

    enum Outcome {
        /// A full record ending before `next`; `lines` physical lines were consumed.
        case record(next: Int, lines: Int)
        /// The buffer ended inside the record: refill and parse again from the same start.
        case incomplete
        /// Malformed quoting at the given line offset from the record's first line.
        case malformed(lineOffset: Int, message: String)
    }

    let format: CSVFormat

    /// Parses one record starting at `start`. `atEnd` says no more bytes will come, so a record without a
    /// final newline is complete. The fields are written into `fields` (reused to avoid allocation).
    func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, atEnd: Bool, fields: inout [Field]) -> Outcome {
        fields.removeAll(keepingCapacity: true)
        let delimiter = format.delimiter
        let quote = format.quote
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        var position = start
        var lines = 0
        let count = bytes.count
        while true {
            // One field.
            if position < count && bytes[position] == quote {
                let quotedStart = position + 1
                position = quotedStart
                var escaped = false
                var closed = false
                while position < count {
                    let byte = bytes[position]
                    if byte == quote {
                        if position + 1 < count && bytes[position + 1] == quote {
                            escaped = true
                            position += 2
                            continue
                        }
                        if position + 1 == count && !atEnd { return .incomplete }
                        closed = true
                        break
                    }
                    if byte == newline { lines += 1 }
                    position += 1
                }
                guard closed else {
                    if !atEnd { return .incomplete }
                    return .malformed(lineOffset: 0, message: "a quoted field is never closed")
                }
                fields.append(Field(start: quotedStart, end: position, hasEscapedQuotes: escaped))
                position += 1  // past the closing quote
                if position < count {
                    let byte = bytes[position]
                    if byte != delimiter && byte != newline && byte != carriageReturn {
                        return .malformed(lineOffset: lines, message: "unexpected character after a closing quote (quotes inside a field must be doubled)")
                    }
                }
            } else {
                let fieldStart = position
                while position < count {
                    let byte = bytes[position]
                    if byte == delimiter || byte == newline { break }
                    position += 1
                }
                var fieldEnd = position
                if fieldEnd > fieldStart && bytes[fieldEnd - 1] == carriageReturn && (position == count || bytes[position] == newline) {
                    fieldEnd -= 1
                }
                fields.append(Field(start: fieldStart, end: fieldEnd, hasEscapedQuotes: false))
            }
            // After a field: delimiter, end of line, or end of buffer.
            if position >= count {
                if !atEnd { return .incomplete }
                return .record(next: count, lines: lines + 1)
            }
            let byte = bytes[position]
            if byte == delimiter {
                position += 1
                if position == count && !atEnd { return .incomplete }
                continue
            }
            if byte == carriageReturn {
                if position + 1 == count && !atEnd { return .incomplete }
                position += 1
                if position < count && bytes[position] == newline { position += 1 }
                return .record(next: position, lines: lines + 1)
            }
            // newline
            return .record(next: position + 1, lines: lines + 1)
        }
    }

    /// The field's bytes with doubled quotes collapsed.
    static func unescaped(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Field, quote: UInt8) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(field.end - field.start)
        var index = field.start
        while index < field.end {
            result.append(bytes[index])
            index += bytes[index] == quote ? 2 : 1
        }
        return result
    }
}
