import Foundation
import Hummingbird
import VigilCore

/// A dataset sent in a request body (`PUT …/reference`, `PUT …/estimator`), read by the same loader as the
/// command line's files, through a temporary file.
enum UploadedDataset {
    /// The file name ending the loader reads `body` as: a profile made by `vigil profile`, NDJSON or CSV,
    /// gzipped or not, from its first bytes and the content type.
    /// - Throws: 415 for another content type.
    static func fileExtension(of body: [UInt8], contentType: String?) throws(Problem) -> String {
        let contentType = contentType?.lowercased() ?? ""
        let isNDJSON = contentType.contains("ndjson") || contentType.contains("jsonl")
        if body.starts(with: [0x56, 0x47, 0x4C, 0x31]) { return "vprof" }
        if body.starts(with: [0x1F, 0x8B]) { return isNDJSON ? "ndjson.gz" : "csv.gz" }
        if isNDJSON { return "ndjson" }
        if contentType.isEmpty || contentType.contains("csv") || contentType.hasPrefix("text/plain") { return "csv" }
        throw Problem(
            .unsupportedMediaType,
            "unsupported-media-type",
            title: "Unsupported media type",
            detail: "send text/csv, application/x-ndjson, or a profile made by `vigil profile` (application/octet-stream)"
        )
    }

    /// Profiles `body` with `options`; an error in it is a 422 of type `problem` that names the upload as
    /// `displayName`, never the temporary path.
    static func profile(
        of body: [UInt8],
        fileExtension: String,
        displayName: String,
        options: DatasetReadOptions = DatasetReadOptions(),
        problem: String
    )
        throws -> DatasetProfile
    {
        let path = NSTemporaryDirectory() + "vigil-upload-\(UUID().uuidString).\(fileExtension)"
        guard FileManager.default.createFile(atPath: path, contents: Data(body)) else {
            throw Problem(.internalServerError, "storage", title: "Cannot store the upload", detail: "cannot write a temporary file")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            return try DatasetLoader.load(path: path, options: options)
        } catch {
            let message = error.description.replacingOccurrences(of: path, with: displayName)
            throw Problem(.unprocessableContent, problem, title: "Invalid \(problem.replacingOccurrences(of: "invalid-", with: ""))", detail: message)
        }
    }
}
