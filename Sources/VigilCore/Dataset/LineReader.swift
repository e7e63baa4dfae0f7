/// Streams the lines of a file (plain or gzip) in fixed-size chunks; LF or CRLF endings.
final class LineReader {
    let path: String
    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private let chunkSize: Int

    init(path: String, chunkSize: Int = 1 << 20) throws(DatasetError) {
        self.path = path
        self.chunkSize = chunkSize
        source = try ByteSource.open(path: path)
    }

    deinit { source.close() }

    var consumedBytes: Int { source.consumedBytes }

    /// Calls `body` with each non-blank line (without its ending) and its 1-based number, until the file
    /// ends or `body` returns false.
    func forEachLine(_ body: (_ line: ArraySlice<UInt8>, _ number: Int) throws(DatasetError) -> Bool) throws(DatasetError) {
        var number = 0
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                number += 1
                var end = newline
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                if line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
                    if try !body(line, number) { return }
                }
                continue
            }
            if atEnd {
                if start < buffer.count {
                    number += 1
                    let line = buffer[start...]
                    start = buffer.count
                    if line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }) {
                        _ = try body(line, number)
                    }
                }
                return
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            if try !source.read(upTo: chunkSize, into: &buffer, path: path) { atEnd = true }
        }
    }
}
