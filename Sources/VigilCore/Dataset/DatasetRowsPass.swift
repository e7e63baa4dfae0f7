import Synchronization

extension DatasetProfiler {
    /// Plain files from this size on are read as two halves at once.
    public static let halvingThreshold = 64 << 20

    /// The pass over a delimited file's rows that feeds the sketches: for a plain file of at least
    /// `halvingThreshold` bytes, two halves read at once, one per core; otherwise one pass from start to end.
    ///
    /// The second half starts at the first line after the middle byte. That is where a record starts unless
    /// the middle falls inside a quoted field that spans lines, and the first half, read up to that offset,
    /// tells which: it stops exactly there only when it is a record's start. When it is not, both halves are
    /// dropped and the file is read in one pass. Each half fills its own sketches, merged at the end; the
    /// split depends only on the file, so a profile is the same whatever the number of cores.
    static func profileRows(
        path: String,
        header: [String],
        schema: [(description: ColumnDescription, kind: ColumnKind?)],
        options: DatasetReadOptions,
        exactValueBudget: Int,
        halvingThreshold: Int
    ) throws(DatasetError) -> DatasetProfile {
        let pass = RowsPass(path: path, header: header, schema: schema, options: options, exactValueBudget: exactValueBudget)
        guard let size = plainFileSize(path), size >= halvingThreshold else {
            return try pass.read(from: 0, until: .max, tally: ReadTally()).finished(path: path)
        }
        let middle = try DelimitedFileReader(path: path, format: options.format, startingAt: size / 2).skipToNextLine()
        let tally = ReadTally()
        let halves = ParallelMap.map([0, middle], minimumParallelCount: 2) { start in
            Result { () throws(DatasetError) in try pass.read(from: start, until: start == 0 ? middle : .max, tally: tally) }
        }
        let first = try halves[0].get()
        guard first.end == middle else { return try pass.read(from: 0, until: .max, tally: ReadTally()).finished(path: path) }
        let second: RowsPass.Part
        do { second = try halves[1].get() } catch { throw error.movedDown(lines: first.lines) }
        return try first.merged(with: second, path: path)
    }
}

/// Reads a run of a delimited file's records into a profile of its own (the whole file, or one half).
private struct RowsPass: Sendable {
    /// What a run of records left: its profile (repeated rows not yet counted), the hashes of its rows, and
    /// where it stopped.
    struct Part: Sendable {
        var profile: DatasetProfile
        var duplicates: DuplicateRowCounter
        /// The file offset where the next record would have started.
        var end: Int
        /// Lines read, the header included.
        var lines: Int

        func finished(path: String) -> DatasetProfile {
            var profile = profile
            var duplicates = duplicates
            profile.setDuplicateRows(duplicates.count())
            return profile
        }

        /// This part followed by `next`, the one that starts where this one ended.
        func merged(with next: Part, path: String) throws(DatasetError) -> DatasetProfile {
            var profile = profile
            do { try profile.merge(next.profile) } catch { throw DatasetError(file: path, error.description) }
            var duplicates = duplicates
            duplicates.merge(next.duplicates)
            profile.setDuplicateRows(duplicates.count())
            return profile
        }
    }

    let path: String
    let header: [String]
    let schema: [(description: ColumnDescription, kind: ColumnKind?)]
    let options: DatasetReadOptions
    let exactValueBudget: Int

    /// Reads the records from file offset `start` (0: the beginning, header skipped) up to the first one
    /// starting at or past `limit`.
    func read(from start: Int, until limit: Int, tally: ReadTally) throws(DatasetError) -> Part {
        let profiled = schema.compactMap { column in column.kind.map { (name: column.description.name, kind: $0) } }
        var builder: ProfileBuilder
        do { builder = try ProfileBuilder(schema: profiled, exactValueBudget: exactValueBudget) } catch { throw DatasetError(file: path, error.description) }
        var rows = DelimitedRowProfiler(path: path, names: header, kinds: schema.map(\.kind), format: options.format)
        defer { rows.deallocate() }
        let reader = try DelimitedFileReader(path: path, format: options.format, startingAt: start)
        var reported = start
        func reportProgress() {
            let consumed = reader.consumedBytes
            let total = tally.add(consumed - reported)
            reported = consumed
            options.progress?(path, total)
        }
        try reader.forEachRawRecord(skippingHeader: start == 0, until: limit) { record throws(DatasetError) in
            try rows.add(record)
            if rows.pendingRows == DelimitedRowProfiler.batchSize {
                try rows.flush(into: &builder)
                reportProgress()
            }
            return true
        }
        try rows.flush(into: &builder)
        reportProgress()
        let profile: DatasetProfile
        do { profile = try builder.finish(schema: schema.map(\.description)) } catch { throw DatasetError(file: path, error.description) }
        return Part(profile: profile, duplicates: rows.duplicates, end: reader.nextRecordOffset, lines: reader.line - 1)
    }
}

/// The bytes all parts of one file have read so far, for ``DatasetReadOptions/progress``.
private final class ReadTally: Sendable {
    private let bytes = Atomic<Int>(0)

    /// Adds `count` bytes and returns the new total.
    func add(_ count: Int) -> Int { bytes.add(count, ordering: .relaxed).newValue }
}

extension DatasetError {
    /// The same error for a part of the file that starts after `lines` lines.
    func movedDown(lines: Int) -> DatasetError {
        var error = self
        error.line = line.map { $0 + lines }
        return error
    }
}
