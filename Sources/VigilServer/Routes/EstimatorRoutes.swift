import Foundation
import Hummingbird
import VigilCore
import VigilStore
import VigilStats

/// `PUT /v1/models/{model}/estimator?from=…&to=…&version=…`: fits each version's performance estimator (CBPE)
/// on its labelled predictions in a time range, so that `/performance` and `/metrics` estimate quality before
/// labels come. With a body instead (`?version=…&target=…&scores=…`, CSV or NDJSON, gzipped or not), fits one
/// version's estimator on an uploaded reference, such as the model's validation set, read as `vigil report
/// --target --scores` reads it, so the served estimate equals the offline one. `GET` lists the estimators.
struct EstimatorRoutes {
    let configuration: ServerConfiguration
    let store: any Store
    let cardinality: CardinalityGuard
    let clock: WallClock

    /// At most this many labelled predictions are read to fit one version's estimator.
    static let maximumReferenceRows = 1_000_000

    /// One version's estimator, as the answer shows it.
    struct Entry: Encodable {
        var version: String
        var method = "cbpe"
        var source: String
        var created: String
        var classes: [String]
        /// The positive class of a binary model.
        var positiveClass: String?
        /// Classes whose scores are calibrated (isotonic), because that lowered their calibration error.
        var calibrated: [String]
        var referenceRows: Int
        /// Labelled predictions left out of the fit: no per-class scores, or a label naming a class the scores do not.
        var skipped: Int?
    }

    struct Answer: Encodable {
        var model: String
        var estimators: [Entry]
        /// Versions with predictions in the range whose estimator could not be fitted, and why.
        var notFitted: [String: String]?
    }

    func register(on router: Router<VigilRequestContext>) {
        router.put("/v1/models/:model/estimator") { request, context in try await fit(request, context) }
        router.get("/v1/models/:model/estimator") { request, context in try await list(request, context) }
    }

    static func entry(version: String, stored: StoredEstimator, skipped: Int? = nil) -> Entry {
        let cbpe = stored.estimator
        let calibrated = cbpe.isBinary ? (cbpe.calibrators[0] != nil ? [cbpe.classes[1]] : []) : zip(cbpe.classes, cbpe.calibrators).compactMap { $1 == nil ? nil : $0 }
        return Entry(
            version: version, source: stored.source, created: Timestamp.formatRFC3339(milliseconds: stored.createdMilliseconds), classes: cbpe.classes,
            positiveClass: cbpe.isBinary ? cbpe.classes[1] : nil, calibrated: calibrated, referenceRows: cbpe.referenceCount, skipped: skipped
        )
    }

    private func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.read)
        let model = try request.modelName(context, limits: configuration.limits)
        let stored = try await store.estimators(model: model)
        return try JSONResponse.make(Answer(model: model, estimators: stored.sorted { $0.key < $1.key }.map { Self.entry(version: $0.key, stored: $0.value) }))
    }

    private func fit(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try context.require(.admin)
        let model = try request.modelName(context, limits: configuration.limits)
        var request = request
        let body = try await request.collectBytes(limit: configuration.maxReferenceBytes)
        if !body.isEmpty {
            guard request.query("from") == nil, request.query("to") == nil else {
                throw Problem.badParameter("from", "an estimator is fitted on either an uploaded reference (a body) or a time range (from/to), not both")
            }
            return try await fitUpload(request, body: body, model: model)
        }
        guard let from = request.query("from") else {
            throw Problem.badParameter(
                "from", "an estimator is fitted on the labelled predictions of a time range (give from; to defaults to now) or on an uploaded reference (a body)"
            )
        }
        let (versions, version) = try cardinality.versions(of: model, asked: request.query("version"))
        let range = try WindowParameter.range(window: nil, from: from, to: request.query("to"), now: clock.milliseconds())
        let span = "\(Timestamp.formatRFC3339(milliseconds: range.lowerBound)) to \(Timestamp.formatRFC3339(milliseconds: range.upperBound))"
        var fitted: [Entry] = []
        var notFitted: [String: String] = [:]
        for name in versions where version == nil || name == version {
            let folds = try await store.labelledPredictions(
                in: BucketKey(model: model, version: name, start: range.lowerBound), width: range.upperBound - range.lowerBound, through: .max
            )
            guard folds.count <= Self.maximumReferenceRows else {
                notFitted[name] = "\(folds.count) labelled predictions from \(span); at most \(Self.maximumReferenceRows): choose a shorter range"
                continue
            }
            do {
                let (estimator, used, skipped) = try CBPE.fit(labelled: folds, positiveClass: request.query("positive_class"))
                let stored = StoredEstimator(estimator: estimator, source: "production version \(name), \(span) (\(used) labelled predictions)", createdMilliseconds: clock.milliseconds())
                try await store.setEstimator(stored, model: model, version: name)
                fitted.append(Self.entry(version: name, stored: stored, skipped: skipped))
            } catch let error as CBPE.FitError {
                notFitted[name] = error.description
            }
        }
        guard !fitted.isEmpty else {
            let reasons = notFitted.sorted { $0.key < $1.key }.map { "version \($0.key): \($0.value)" }.joined(separator: "; ")
            throw Problem(.unprocessableContent, "invalid-reference", title: "No estimator fitted", detail: "model \"\(model)\" from \(span): \(reasons)")
        }
        return try JSONResponse.make(Answer(model: model, estimators: fitted, notFitted: notFitted.isEmpty ? nil : notFitted))
    }

    /// Fits one version's estimator on a labelled reference in the body: `target` names its label column,
    /// `scores` its score columns (as `vigil report --scores`), `prediction` optionally the predicted class.
    private func fitUpload(_ request: Request, body: [UInt8], model: String) async throws -> Response {
        guard let version = request.query("version") else {
            throw Problem.badParameter("version", "an uploaded reference fits one version's estimator: give version")
        }
        guard configuration.limits.isValidName(version) else {
            throw Problem.badParameter("version", "a version is 1 to \(configuration.limits.maxNameLength) letters, digits or _ . : -")
        }
        guard let target = request.query("target") else { throw Problem.badParameter("target", "name the reference's label column") }
        let scores: [DatasetReadOptions.ScoreColumn]
        do {
            scores = try DatasetReadOptions.ScoreColumn.parse(request.query("scores").map { [$0] } ?? [])
        } catch {
            throw Problem.badParameter("scores", error.description)
        }
        guard !scores.isEmpty else {
            throw Problem.badParameter("scores", "name the score columns: one probability of the positive class, or class=column for each class")
        }
        let fileExtension = try UploadedDataset.fileExtension(of: body, contentType: request.headers[.contentType])
        guard fileExtension != "vprof" else {
            throw Problem(
                .unprocessableContent, "invalid-reference", title: "Invalid reference",
                detail: "a profile keeps no rows, and an estimator is fitted on rows: upload the CSV or NDJSON file"
            )
        }
        let name = request.query("source") ?? "upload.\(fileExtension)"
        var options = DatasetReadOptions()
        options.nameModelColumns(target: target, prediction: request.query("prediction"), scores: scores, positiveClass: request.query("positive_class"))
        let profile = try UploadedDataset.profile(of: body, fileExtension: fileExtension, displayName: name, options: options, problem: "invalid-reference")
        guard let rows = profile.scoredRows else {
            throw Problem(.unprocessableContent, "invalid-reference", title: "Invalid reference", detail: "\(name) has no row with scores")
        }
        let estimator: CBPE
        do {
            estimator = try rows.estimator(positiveClass: request.query("positive_class"))
        } catch {
            throw Problem(.unprocessableContent, "invalid-reference", title: "No estimator fitted", detail: "\(name): \(error.description)")
        }
        let stored = StoredEstimator(
            estimator: estimator, source: "uploaded \(name) (\(estimator.referenceCount) labelled rows)", createdMilliseconds: clock.milliseconds()
        )
        try await store.setEstimator(stored, model: model, version: version)
        let skipped = rows.count - estimator.referenceCount
        return try JSONResponse.make(Answer(model: model, estimators: [Self.entry(version: version, stored: stored, skipped: skipped > 0 ? skipped : nil)]))
    }
}
