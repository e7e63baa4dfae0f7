import Foundation
import VigilStats

/// Loads the reference or current side of a comparison: a profile file written by `vigil profile`
/// (recognized by its magic bytes) or a dataset file to profile now.
public enum DatasetLoader {
    public static func load(path: String, options: DatasetReadOptions = DatasetReadOptions()) throws(DatasetError) -> DatasetProfile {
        guard isProfileFile(path) else { return try profileDataset(path: path, options: options) }
        return try loadProfileFile(path)
    }

    private static func loadProfileFile(_ path: String) throws(DatasetError) -> DatasetProfile {
        guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError(file: path, "cannot be read") }
        do { return try DatasetProfile(serialized: [UInt8](data)) } catch {
            throw DatasetError(file: path, "is not a valid Vigil profile: \(error.description)")
        }
    }

    /// Profiles a dataset file: NDJSON by its extension (`.ndjson`, `.jsonl`, `.json`, each optionally `.gz`),
    /// delimited text otherwise.
    public static func profileDataset(path: String, options: DatasetReadOptions = DatasetReadOptions()) throws(DatasetError) -> DatasetProfile {
        NDJSONProfiler.isNDJSON(path: path)
            ? try NDJSONProfiler.profile(path: path, options: options)
            : try DatasetProfiler.profile(path: path, options: options)
    }

    /// Loads the reference and the current side at the same time. The parts of both (a large delimited file
    /// has two halves) run in one parallel loop, the larger side's first, so that no core idles while a part
    /// remains, whatever the two sizes. Errors are reported for the reference first.
    public static func load(_ reference: String, _ current: String, options: DatasetReadOptions = DatasetReadOptions()) throws(DatasetError) -> (DatasetProfile, DatasetProfile) {
        // A reference may come without the target and prediction (model quality is then tested against a dummy model).
        var referenceOptions = options
        referenceOptions.labelsMayBeAbsent = true
        // A current may come without the target: its quality is then estimated from the reference's (CBPE).
        var currentOptions = options
        currentOptions.targetMayBeAbsent = true
        let planned = ParallelMap.map([(reference, referenceOptions), (current, currentOptions)], minimumParallelCount: 2) { side in
            Result { () throws(DatasetError) in try Side(path: side.0, options: side.1) }
        }
        let sides = [try planned[0].get(), try planned[1].get()]
        let jobs = sides.indices.sorted { sides[$0].size > sides[$1].size }.flatMap { side in
            (0..<sides[side].partCount).map { (side: side, part: $0) }
        }
        let outcomes = ParallelMap.map(jobs, minimumParallelCount: 2) { job in sides[job.side].read(part: job.part) }
        func assemble(_ side: Int) throws(DatasetError) -> DatasetProfile {
            let parts = jobs.indices.filter { jobs[$0].side == side }.sorted { jobs[$0].part < jobs[$1].part }.map { outcomes[$0] }
            return try sides[side].assemble(parts)
        }
        let loaded = (try assemble(0), try assemble(1))
        // Either file may lack the target, not both: then the name is more likely wrong than the files unlabelled.
        if let target = options.roles.first(where: { $0.value == .target })?.key,
            !loaded.0.schema.contains(where: { $0.name == target }), !loaded.1.schema.contains(where: { $0.name == target }),
            !DatasetLoader.isProfileFile(reference)
        {
            let columns = loaded.1.schema.map(\.name).joined(separator: ", ")
            throw DatasetError(file: current, column: target, "the target column is in neither file (current columns: \(columns))")
        }
        return loaded
    }

    /// One side of a comparison, ready to read: a profile file already loaded, or a dataset in parts.
    private enum Side: Sendable {
        case loaded(DatasetProfile)
        case ndjson(path: String, options: DatasetReadOptions, size: Int)
        case delimited(DelimitedRowsPlan, size: Int)

        enum PartOutcome: Sendable {
            case profile(Result<DatasetProfile, DatasetError>)
            case rows(Result<DelimitedRowsPlan.Part, DatasetError>)
        }

        init(path: String, options: DatasetReadOptions) throws(DatasetError) {
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
            if DatasetLoader.isProfileFile(path) {
                self = .loaded(try loadProfileFile(path))
            } else if NDJSONProfiler.isNDJSON(path: path) {
                self = .ndjson(path: path, options: options, size: size)
            } else {
                self = .delimited(try DatasetProfiler.plan(path: path, options: options), size: size)
            }
        }

        /// The file's size in bytes, to start the larger side first.
        var size: Int {
            switch self {
            case .loaded: 0
            case .ndjson(_, _, let size), .delimited(_, let size): size
            }
        }

        var partCount: Int {
            switch self {
            case .loaded: 0
            case .ndjson: 1
            case .delimited(let plan, _): plan.partCount
            }
        }

        func read(part: Int) -> PartOutcome {
            switch self {
            case .loaded(let profile): .profile(.success(profile))
            case .ndjson(let path, let options, _): .profile(Result { () throws(DatasetError) in try NDJSONProfiler.profile(path: path, options: options) })
            case .delimited(let plan, _): .rows(plan.readPart(part))
            }
        }

        func assemble(_ parts: [PartOutcome]) throws(DatasetError) -> DatasetProfile {
            switch self {
            case .loaded(let profile):
                return profile
            case .ndjson:
                guard case .profile(let outcome) = parts[0] else { preconditionFailure("an NDJSON side reads one profile") }
                return try outcome.get()
            case .delimited(let plan, _):
                return try plan.assemble(parts.map { part in
                    guard case .rows(let outcome) = part else { preconditionFailure("a delimited side reads rows") }
                    return outcome
                })
            }
        }
    }

    /// Whether the file starts with the magic bytes of Vigil's binary format.
    public static func isProfileFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: SketchEnvelope.magic.count) else { return false }
        return [UInt8](head) == SketchEnvelope.magic
    }

    /// Writes a profile to `path` atomically (a temporary file renamed into place).
    public static func write(_ profile: DatasetProfile, to path: String) throws(DatasetError) {
        do { try Data(profile.serialized()).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw DatasetError(file: path, "cannot be written: \(error.localizedDescription)")
        }
    }
}
