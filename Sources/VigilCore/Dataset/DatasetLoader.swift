import Foundation
import VigilStats

/// Loads the reference or current side of a comparison: a profile file written by `vigil profile`
/// (recognized by its magic bytes) or a dataset file to profile now.
public enum DatasetLoader {
    public static func load(path: String, options: DatasetReadOptions = DatasetReadOptions()) throws(DatasetError) -> DatasetProfile {
        guard isProfileFile(path) else { return try profileDataset(path: path, options: options) }
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

    /// Loads the reference and the current side: two datasets at the same time, one per core; a profile
    /// file first and alone (it takes milliseconds), so that reading the dataset has every core for its halves.
    public static func load(_ reference: String, _ current: String, options: DatasetReadOptions = DatasetReadOptions()) throws(DatasetError) -> (DatasetProfile, DatasetProfile) {
        if isProfileFile(reference) || isProfileFile(current) {
            return (try load(path: reference, options: options), try load(path: current, options: options))
        }
        let outcomes = ParallelMap.map([reference, current], minimumParallelCount: 2) { path in
            Result { () throws(DatasetError) in try load(path: path, options: options) }
        }
        return (try outcomes[0].get(), try outcomes[1].get())
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
