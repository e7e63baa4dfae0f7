import VigilCore
import VigilStats
import VigilStore

extension ModelWindows {
    /// Two versions of a model over a window, ready to compare: each version's traffic over the whole window,
    /// and its quality over the window's matured part only. That part ends the p95 label delay (of both
    /// versions' labels together) before `now`, so that a version whose labels come sooner is not compared on
    /// a different set of predictions; nil when no label has come yet (nothing to mature).
    func comparisonArms(
        model: String,
        baseline: String,
        candidate: String,
        range: Range<Int64>,
        now: Int64
    ) async throws
        -> (baseline: ComparisonArm, candidate: ComparisonArm, maturedBefore: Int64?)
    {
        var all = QualityProfile()
        for version in [baseline, candidate] { all.merge(try await quality.window(model: model, version: version, range: range)) }
        var maturedEnd: Int64? = nil
        if let p95 = all.delays.quantileUpperBound(0.95) {
            maturedEnd = p95.isFinite ? max(range.lowerBound, min(range.upperBound, now - Int64(p95 * 1000))) : range.lowerBound
        }
        var arms: [ComparisonArm] = []
        for version in [baseline, candidate] {
            let traffic = try await live.window(model: model, version: version, range: range, parts: .observations)
            var labelled = QualityProfile()
            var matured = 0
            if let end = maturedEnd, end > range.lowerBound {
                let maturedRange = range.lowerBound..<end
                labelled = try await quality.window(model: model, version: version, range: maturedRange)
                let counts =
                    end == range.upperBound ? traffic : try await live.window(model: model, version: version, range: maturedRange, parts: .traffic)
                matured = counts.requestCount - counts.errorCount
            }
            arms.append(ComparisonArm(version: version, traffic: traffic, quality: labelled, maturedPredictions: matured))
        }
        return (arms[0], arms[1], maturedEnd)
    }

    /// The comparisons ``ComparisonSettings`` asks for on `model` over `range`: configured pairs, or the busiest
    /// version against each other one.
    /// With `candidate`, only the comparison that judges that version is run.
    func comparisons(model: String, range: Range<Int64>, now: Int64, candidate only: String? = nil) async throws -> [ModelWindow.Comparison] {
        guard let versions = cardinality.versions(of: model), versions.count > 1 else { return [] }
        var traffic: [(version: String, requests: Int)] = []
        for version in versions {
            traffic.append((version, try await live.window(model: model, version: version, range: range, parts: .traffic).requestCount))
        }
        var result: [ModelWindow.Comparison] = []
        for (baseline, candidate, plan, paired) in configuration.comparisons.comparisons(model: model, traffic: traffic)
        where only == nil || candidate == only {
            let arms = try await comparisonArms(model: model, baseline: baseline, candidate: candidate, range: range, now: now)
            // A paired comparison with no pair yet still runs paired: its `pairing` guard then fails and holds the
            // verdict, rather than an unpaired test standing in for the one configured.
            let pairs =
                paired
                ? try await pairs(model: model, baseline: baseline, candidate: candidate, range: range, maturedBefore: arms.maturedBefore, now: now)
                : nil
            result.append(
                ModelWindow.Comparison(
                    baseline: baseline,
                    candidate: candidate,
                    result: plan.run(baseline: arms.baseline, candidate: arms.candidate, pairs: pairs),
                    maturedBefore: arms.maturedBefore
                )
            )
        }
        return result
    }

    /// Shadow traffic of `baseline` and `candidate` over `range`, paired by request id, with outcomes for the
    /// baseline predictions made before `maturedBefore`: from the hours ``shadowPairs`` keeps, and the store for
    /// the rest.
    func pairs(model: String, baseline: String, candidate: String, range: Range<Int64>, maturedBefore: Int64?, now: Int64) async throws(StoreError)
        -> ShadowPairs
    {
        try await shadowPairs.pairs(
            store: store, model: model, baseline: baseline, candidate: candidate, range: range, maturedBefore: maturedBefore, now: now
        )
    }
}
