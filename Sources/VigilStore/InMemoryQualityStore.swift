public import VigilCore

/// The label log and quality buckets in memory: the twin of ``SQLiteStore``'s ``QualityStore`` part, held
/// to the same conformance tests, for tests that drive model quality without a disk.
///
/// It is also the twin of the ``PredictionLog`` (`InMemoryQualityStore+PredictionLog.swift`): predictions go in
/// with ``append(_:)`` and read back with their latest label, as from the SQLite store.
public actor InMemoryQualityStore: QualityStore {
    private struct Entry {
        var position: Int64
        var model: String
        var predictionId: String
        var kind: LabelLogEntryKind
        var replaces: Int64?
        var label: LabelEvent
    }

    private struct Latest {
        var position: Int64
        var folded: Int64?
        var label: LabelEvent
    }

    private var predictions: [String: [String: PredictionEvent]] = [:]
    /// Predictions per model in arrival order, as the log keeps them.
    private var arrival: [String: [String]] = [:]
    private var log: [Entry] = []
    private var latest: [String: [String: Latest]] = [:]
    /// The prediction log: every prediction whole, with its position (``PredictionLog``).
    var logged: [StoredPrediction] = []
    var loggedPosition: [String: [String: Int]] = [:]
    /// The last position given to a prediction.
    private(set) var lastPosition: Int64 = 0
    private var rows: [QualitySpan: [BucketKey: QualityProfile]] = [.bucket: [:], .rollup: [:]]
    private var watermarks: [String: Int64] = [:]
    private var estimators: [String: [String: StoredEstimator]] = [:]

    public init() {}

    /// Stores predictions (ids already stored are skipped, and reported); a label waiting for one of them folds now.
    func appendPredictions(_ events: [PredictionEvent], model: String) -> AppendResult {
        var result = AppendResult(stored: 0, alreadyPresent: [], positions: [])
        for var event in events {
            guard predictions[model]?[event.id] == nil else {
                result.alreadyPresent.append(event.id)
                result.positions.append(nil)
                continue
            }
            // After the last ever given: forgotten predictions' positions are not given again, as in SQLite.
            lastPosition += 1
            let position = lastPosition
            loggedPosition[model, default: [:]][event.id] = logged.count
            logged.append(StoredPrediction(position: position, model: model, event: event, label: nil))
            result.stored += 1
            result.positions.append(position)
            // What the SQLite store's folds hold: the prediction without its features.
            event.features = [:]
            predictions[model, default: [:]][event.id] = event
            arrival[model, default: []].append(event.id)
            if let waiting = latest[model]?[event.id], waiting.folded == nil {
                let position = appendEntry(model: model, id: event.id, kind: .matched, replaces: nil, label: waiting.label)
                latest[model]![event.id] = Latest(position: position, folded: position, label: waiting.label)
            }
        }
        return result
    }

    /// The latest label of a prediction, whatever became of it (as the SQLite store joins it).
    func latestLabel(model: String, id: String) -> LabelEvent? { latest[model]?[id]?.label }

    /// The label of a prediction that folds into model quality (not a late one), if any.
    func foldedLabel(model: String, id: String) -> LabelEvent? {
        latest[model]?[id]?.folded.map { log[Int($0) - 1].label }
    }

    /// The label-log entries after `position`: their model and prediction id, and the last position.
    func labelEntries(after position: Int64) -> (entries: [(model: String, predictionId: String)], last: Int64) {
        (log.dropFirst(Int(max(0, position))).map { ($0.model, $0.predictionId) }, Int64(log.count))
    }

    /// Forgets predictions made before `milliseconds` with their labels and log entries; returns how many.
    func forgetPredictions(before milliseconds: Int64) -> Int {
        let doomed = logged.filter { $0.event.timestampMilliseconds < milliseconds }
        for prediction in doomed {
            predictions[prediction.model]?[prediction.event.id] = nil
            latest[prediction.model]?[prediction.event.id] = nil
            arrival[prediction.model]?.removeAll { $0 == prediction.event.id }
        }
        // Their log entries stay (positions are indices) but never fold again: a fold needs its prediction.
        logged.removeAll { $0.event.timestampMilliseconds < milliseconds }
        loggedPosition = [:]
        for (index, prediction) in logged.enumerated() { loggedPosition[prediction.model, default: [:]][prediction.event.id] = index }
        return doomed.count
    }

    private func appendEntry(model: String, id: String, kind: LabelLogEntryKind, replaces: Int64?, label: LabelEvent) -> Int64 {
        let position = Int64(log.count + 1)
        log.append(Entry(position: position, model: model, predictionId: id, kind: kind, replaces: replaces, label: label))
        return position
    }

    public func append(labels: [LabelEvent], model: String, lateness: Int64?) throws(StoreError) -> AppendResult {
        var result = AppendResult(stored: 0, alreadyPresent: [])
        for label in labels {
            let previous = latest[model]?[label.predictionId]
            let kind: LabelLogEntryKind
            if let prediction = predictions[model]?[label.predictionId] {
                kind = lateness.map { label.timestampMilliseconds - prediction.timestampMilliseconds > $0 } == true ? .late : .applied
            } else {
                kind = .early
            }
            let position = appendEntry(model: model, id: label.predictionId, kind: kind, replaces: kind == .applied ? previous?.folded : nil, label: label)
            latest[model, default: [:]][label.predictionId] = Latest(position: position, folded: kind == .applied ? position : previous?.folded, label: label)
            if previous != nil { result.alreadyPresent.append(label.predictionId) }
            if kind == .late { result.late.append(label.predictionId) }
            result.stored += 1
        }
        return result
    }

    public func labelFolds(after position: Int64, limit: Int) throws(StoreError) -> LabelFoldPage {
        var page = LabelFoldPage(folds: [], through: position)
        let first = Int(max(0, position))
        for entry in log[min(first, log.count)..<min(log.count, first + limit)] {
            page.through = entry.position
            guard entry.kind == .applied || entry.kind == .matched, let prediction = predictions[entry.model]?[entry.predictionId] else { continue }
            let replaced = entry.replaces.map { log[Int($0) - 1].label }
            page.folds.append(LabelFold(position: entry.position, model: entry.model, prediction: prediction, label: entry.label, replaced: replaced))
        }
        return page
    }

    public func labelledPredictions(in key: BucketKey, width: Int64, through position: Int64) throws(StoreError) -> [LabelFold] {
        var folded: [String: Entry] = [:]
        for entry in log.prefix(Int(max(0, position))) where entry.model == key.model && (entry.kind == .applied || entry.kind == .matched) {
            folded[entry.predictionId] = entry
        }
        return (arrival[key.model] ?? []).compactMap { id -> LabelFold? in
            guard let prediction = predictions[key.model]?[id], prediction.version == key.version,
                (key.start..<(key.start + width)).contains(prediction.timestampMilliseconds), let entry = folded[id]
            else { return nil }
            return LabelFold(position: entry.position, model: key.model, prediction: prediction, label: entry.label, replaced: nil)
        }
    }

    public func labelCounts(model: String) throws(StoreError) -> LabelCounts {
        let labels = latest[model] ?? [:]
        let matched = labels.keys.filter { predictions[model]?[$0] != nil }.count
        let late = labels.values.filter { log[Int($0.position) - 1].kind == .late }.count
        return LabelCounts(labels: labels.count, matched: matched, late: late)
    }

    public func watermark(_ name: String) throws(StoreError) -> Int64 { watermarks[name] ?? 0 }

    public func saveQualityBuckets(_ buckets: [QualityBucket], rollups: [QualityBucket], watermark name: String, position: Int64) throws(StoreError) {
        for (span, saved) in [(QualitySpan.bucket, buckets), (.rollup, rollups)] {
            for bucket in saved { rows[span]![bucket.key] = bucket.profile.isEmpty ? nil : bucket.profile }
        }
        watermarks[name] = position
    }

    public func qualityBuckets(_ keys: [BucketKey], span: QualitySpan) throws(StoreError) -> [QualityBucket] {
        keys.compactMap { key in rows[span]![key].map { QualityBucket(key: key, profile: $0) } }
    }

    public func qualityBuckets(model: String, version: String?, starting range: Range<Int64>, span: QualitySpan) throws(StoreError) -> [QualityBucket] {
        rows[span]!.filter { $0.key.model == model && (version == nil || $0.key.version == version) && range.contains($0.key.start) }
            .map { QualityBucket(key: $0.key, profile: $0.value) }
            .sorted { ($0.key.version, $0.key.start) < ($1.key.version, $1.key.start) }
    }

    public func setEstimator(_ estimator: StoredEstimator, model: String, version: String) throws(StoreError) {
        estimators[model, default: [:]][version] = estimator
    }

    public func estimators(model: String) throws(StoreError) -> [String: StoredEstimator] { estimators[model] ?? [:] }
}
