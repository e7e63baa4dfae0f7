import CZlib
import Foundation

/// Where a dataset's bytes come from: a plain file, or a gzip stream decompressed on the fly (chosen by
/// the `.gz` extension), read in chunks so memory does not grow with the file.
enum ByteSource {
    case file(FileHandle)
    case gzip(gzFile)

    static func open(path: String) throws(DatasetError) -> ByteSource {
        if path.hasSuffix(".gz") {
            guard let stream = gzopen(path, "rb") else { throw DatasetError(file: path, "cannot be opened for reading") }
            gzbuffer(stream, 1 << 17)
            return .gzip(stream)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DatasetError(file: path, "cannot be opened for reading") }
        return .file(handle)
    }

    /// Up to `count` more bytes appended to `buffer`; false at the end of the data.
    func read(upTo count: Int, into buffer: inout [UInt8], path: String) throws(DatasetError) -> Bool {
        switch self {
        case .file(let handle):
            let chunk: Data?
            do { chunk = try handle.read(upToCount: count) } catch {
                throw DatasetError(file: path, "read failed: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { return false }
            buffer.append(contentsOf: chunk)
            return true
        case .gzip(let stream):
            let oldCount = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: count))
            let read = buffer.withUnsafeMutableBufferPointer { gzread(stream, $0.baseAddress! + oldCount, UInt32(count)) }
            guard read >= 0 else {
                var code: Int32 = 0
                let message = gzerror(stream, &code).map { String(cString: $0) } ?? "unknown error"
                throw DatasetError(file: path, "is not valid gzip data: \(message)")
            }
            buffer.removeLast(count - Int(read))
            return read > 0
        }
    }

    /// Bytes of the underlying file consumed so far (compressed bytes for gzip), for progress reporting.
    var consumedBytes: Int {
        switch self {
        case .file(let handle): Int((try? handle.offset()) ?? 0)
        case .gzip(let stream): Int(gzoffset(stream))
        }
    }

    func close() {
        switch self {
        case .file(let handle): try? handle.close()
        case .gzip(let stream): gzclose(stream)
        }
    }
}
