import VigilStats

/// A delimited file's cell that holds a vector (an embedding): brackets around numbers separated by commas,
/// as pandas writes a column of Python lists (`"[0.12, -0.5, 3e-4]"`), or by whitespace, as it writes a
/// column of numpy arrays (`"[ 0.12 -0.5  3e-4]"`, wrapped over lines when long).
///
/// numpy abbreviates arrays of more than 1000 elements with `...`; such a cell is not a vector, so the column
/// stays text rather than being read as vectors of the wrong dimension.
enum VectorCell {
    /// The numbers of a vector cell; nil when the cell is not one: no brackets, no element, an empty element
    /// between two commas, an element that is not a finite number, or more elements than an
    /// ``EmbeddingSketch`` takes.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [Double]? {
        var start = start
        var end = end
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        guard end - start >= 3, bytes[start] == UInt8(ascii: "["), bytes[end - 1] == UInt8(ascii: "]") else { return nil }
        let last = end - 1
        var elements = [Double]()
        var position = start + 1
        while true {
            while position < last && isSpace(bytes[position]) { position += 1 }
            guard position < last else { break }
            var tokenEnd = position
            while tokenEnd < last && !isSpace(bytes[tokenEnd]) && bytes[tokenEnd] != UInt8(ascii: ",") { tokenEnd += 1 }
            guard tokenEnd > position, let value = NumberParsing.parseDouble(bytes, position, tokenEnd), value.isFinite else { return nil }
            guard elements.count < EmbeddingSketch.maximumDimension else { return nil }
            elements.append(value)
            position = tokenEnd
            while position < last && isSpace(bytes[position]) { position += 1 }
            if position < last && bytes[position] == UInt8(ascii: ",") {
                position += 1
                // A comma must be followed by an element: `[1,]` and `[1,,2]` are not vectors.
                while position < last && isSpace(bytes[position]) { position += 1 }
                guard position < last else { return nil }
            }
        }
        return elements.isEmpty ? nil : elements
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
