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

    /// Up to `count` more bytes appended to `buffer`; false at the end of the data. Reads straight into the
    /// array's new tail, with no intermediate copy.
    func read(upTo count: Int, into buffer: inout [UInt8], path: String) throws(DatasetError) -> Bool {
        // A plain file's tail is often much shorter than a chunk (a small upload, the last chunk): extending
        // the buffer by only what is left saves zeroing megabytes that are never read.
        let count = min(count, remainingFileBytes.map { $0 + 1 } ?? count)
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        let read = buffer.withUnsafeMutableBufferPointer { bytes in
            let destination = bytes.baseAddress! + oldCount
            switch self {
            case .file(let handle):
                while true {
                    let read = Glibc.read(handle.fileDescriptor, destination, count)
                    if read < 0 && errno == EINTR { continue }
                    return read
                }
            case .gzip(let stream):
                return Int(gzread(stream, destination, UInt32(count)))
            }
        }
        guard read >= 0 else {
            let reason = readFailure
            buffer.removeLast(count)
            throw DatasetError(file: path, reason)
        }
        buffer.removeLast(count - read)
        return read > 0
    }

    /// Bytes between a plain file's read position and its end; nil for a gzip stream or when unknown.
    private var remainingFileBytes: Int? {
        guard case .file(let handle) = self else { return nil }
        var status = stat()
        let position = lseek(handle.fileDescriptor, 0, SEEK_CUR)
        guard fstat(handle.fileDescriptor, &status) == 0, position >= 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return max(Int(status.st_size) - Int(position), 0)
    }

    /// Why the last read failed.
    private var readFailure: String {
        switch self {
        case .file: return "read failed: \(String(cString: strerror(errno)))"
        case .gzip(let stream):
            var code: Int32 = 0
            return "is not valid gzip data: " + (gzerror(stream, &code).map { String(cString: $0) } ?? "unknown error")
        }
    }

    /// Moves a plain file's read position to `offset` (a gzip stream cannot be entered midway).
    func seek(to offset: Int, path: String) throws(DatasetError) {
        guard case .file(let handle) = self, lseek(handle.fileDescriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw DatasetError(file: path, "cannot be read from byte \(offset)")
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
