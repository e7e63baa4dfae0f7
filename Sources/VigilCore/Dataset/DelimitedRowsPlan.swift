import Synchronization

/// The pass over a delimited file's rows that feeds the sketches, planned as parts that any core may read:
/// for a plain file of at least ``DatasetReadOptions/halvingThreshold`` bytes, two halves; otherwise the whole
/// file in one part.
///
/// The second half starts at the first line after the middle byte. That is where a record starts unless the
/// middle falls inside a quoted field that spans lines, and the first half, read up to that offset, tells
/// which: it stops exactly there only when it is a record's start. When it is not, both halves are dropped
/// and the file is read in one pass. Each half fills its own sketches, merged at the end; the split depends
/// only on the file, so a profile is the same whatever the number of cores.
struct DelimitedRowsPlan: Sendable {
    let path: String
    let header: [String]
    let schema: [(description: ColumnDescription, kind: ColumnKind?)]
    /// Column by column, the dimension of a profiled vector column's vectors.
    let vectorDimensions: [Int?]
    let options: DatasetReadOptions
    let exactValueBudget: Int
    /// Where the second half starts; nil when the file is read in one part.
    let middle: Int?
    private let tally = ReadTally()

    init(
        path: String,
        header: [String],
        schema: [(description: ColumnDescription, kind: ColumnKind?)],
        vectorDimensions: [Int?],
        options: DatasetReadOptions,
        exactValueBudget: Int
    ) throws(DatasetError) {
        self.path = path
        self.header = header
        self.schema = schema
        self.vectorDimensions = vectorDimensions
        self.options = options
        self.exactValueBudget = exactValueBudget
        if let size = DatasetProfiler.plainFileSize(path), size >= options.halvingThreshold {
            middle = try DelimitedFileReader(path: path, format: options.format, startingAt: size / 2).skipToNextLine()
        } else {
            middle = nil
        }
    }

    var partCount: Int { middle == nil ? 1 : 2 }

    /// Reads part `index` (0 or 1) of ``partCount``.
    func readPart(_ index: Int) -> Result<Part, DatasetError> {
        Result { () throws(DatasetError) in
            switch (index, middle) {
            case (0, let middle): try read(from: 0, until: middle ?? .max, tally: tally)
            case (_, let middle?): try read(from: middle, until: .max, tally: tally)
            default: preconditionFailure("part \(index) of a file read in one part")
            }
        }
    }

    /// The profile of the whole file from its parts' outcomes, in order.
    func assemble(_ parts: [Result<Part, DatasetError>]) throws(DatasetError) -> DatasetProfile {
        let first = try parts[0].get()
        guard let middle, parts.count == 2 else { return first.finished() }
        guard first.end == middle else { return try read(from: 0, until: .max, tally: ReadTally()).finished() }
        let second: Part
        do { second = try parts[1].get() } catch { throw error.movedDown(lines: first.lines) }
        var profile = first.profile
        do { try profile.merge(second.profile) } catch { throw DatasetError(file: path, error.description) }
        var duplicates = first.duplicates
        duplicates.merge(second.duplicates)
        profile.setDuplicateRows(duplicates.count())
        if var labelled = first.labelled, let theirs = second.labelled {
            do { try labelled.merge(theirs) } catch {
                let columns = options.labelledRows(header: header, kinds: schema.map(\.kind))
                throw DatasetError(file: path, column: columns.map { header[$0.column(of: error)] }, error.message)
            }
            profile.setQuality(labelled)
        }
        return profile
    }

    /// What a run of records left: its profile (repeated rows not yet counted), the hashes of its rows, and
    /// where it stopped.
    struct Part: Sendable {
        var profile: DatasetProfile
        var duplicates: DuplicateRowCounter
        /// The part's targets and predictions, paired, when both columns are named.
        var labelled: LabelledRows?
        /// The file offset where the next record would have started.
        var end: Int
        /// Lines read, the header included.
        var lines: Int

        func finished() -> DatasetProfile {
            var profile = profile
            var duplicates = duplicates
            profile.setDuplicateRows(duplicates.count())
            profile.setQuality(labelled)
            return profile
        }
    }

    /// Reads the records from file offset `start` (0: the beginning, header skipped) up to the first one
    /// starting at or past `limit`.
    private func read(from start: Int, until limit: Int, tally: ReadTally) throws(DatasetError) -> Part {
        let profiled = schema.compactMap { column in column.kind.map { (name: column.description.name, kind: $0) } }
        var builder: ProfileBuilder
        do { builder = try ProfileBuilder(schema: profiled, exactValueBudget: exactValueBudget) } catch {
            throw DatasetError(file: path, error.description)
        }
        var rows = DelimitedRowProfiler(
            path: path,
            names: header,
            kinds: schema.map(\.kind),
            vectorDimensions: vectorDimensions,
            format: options.format,
            labelled: options.labelledRows(header: header, kinds: schema.map(\.kind))
        )
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
        do {
            profile = try builder.finish(schema: schema.map(\.description), embeddings: rows.embeddings, rowCount: rows.rowCount)
        } catch { throw DatasetError(file: path, error.description) }
        // Reduced here, on this part's core, the hashes join the other part's in one linear pass.
        var duplicates = rows.duplicates
        duplicates.reduceToDistinct()
        return Part(profile: profile, duplicates: duplicates, labelled: rows.labelledRows, end: reader.nextRecordOffset, lines: reader.line - 1)
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
