/// What confidence-based performance estimation needs of a stretch of predictions, kept mergeable: per class,
/// a histogram of the class's raw score (scores normalized to sum to 1), each bin holding how many rows were
/// predicted as the class and how many as another, and the sum of their scores. Every prediction sent with
/// per-class scores is added, labelled or not; the calibration is applied when an estimate is asked for
/// (``CBPE/estimate(_:)``), so a calibration fitted later applies to traffic already counted.
///
/// ## Error bound
/// A bin's rows are calibrated at their mean score. Where the calibration map is linear across the bin's rows
/// (it is piecewise linear) this is exact; the bound ``CBPE/Estimate/calibrationSpread`` says how far the
/// estimated accuracy could move were every row calibrated at its bin's lower or upper edge instead. Scores with
/// at most three decimals, as many models send, fall one value to a bin and are estimated exactly.
public struct EstimationScores: Sendable, Equatable {
    public let binCount: Int
    /// Rows added.
    public private(set) var rows = 0
    /// Per class, its bins in ascending order; classes sorted by name. An array, not a dictionary: a model has
    /// a few classes, and hashing each name on every prediction cost more than the bins (1.3 µs of 1.9 µs per
    /// prediction, `vigil-bench ingest`).
    public private(set) var classes: [ClassBins] = []

    /// One class's bins.
    public struct ClassBins: Sendable, Equatable {
        public var name: String
        public var bins: [Bin]
    }

    /// The bins of one class, nil when it has none.
    public func bins(of name: String) -> [Bin]? { classes.first { $0.name == name }?.bins }

    /// At most this many classes are kept; a row with more scores than that is counted in ``rows`` alone (no
    /// estimate is made for such a model).
    public static let maximumClasses = 32
    public static let defaultBinCount = 1000

    /// The rows of one class whose score falls in one bin.
    public struct Bin: Sendable, Equatable {
        /// ⌊score · binCount⌋, clamped.
        public var index: Int
        /// Rows predicted as the class, and the sum of their scores of it.
        public var predicted: Int
        public var predictedSum: Double
        /// Rows predicted as another class, and the sum of their scores of this one.
        public var other: Int
        public var otherSum: Double
    }

    /// Multiclass rows' score vectors whole, for an estimator whose calibration needs them (``ScoreCells``).
    public private(set) var cells = ScoreCells()

    public init(binCount: Int = EstimationScores.defaultBinCount) {
        precondition(binCount >= 1, "at least one bin")
        self.binCount = binCount
    }

    /// True when no row is held.
    public var isEmpty: Bool { rows == 0 }

    /// Adds one prediction's scores (normalized here to sum to 1) and the class it predicted.
    public mutating func add(scores: [String: Double], predicted: String) {
        rows += 1
        cells.add(scores: scores, predicted: predicted)
        guard scores.count <= Self.maximumClasses else { return }
        var total = 0.0
        for score in scores.values where score.isFinite && score > 0 { total += score }
        guard total > 0 else { return }
        for (name, score) in scores {
            let value = score.isFinite ? Swift.max(0, score) / total : 0
            let index = Swift.min(binCount - 1, Swift.max(0, Int(value * Double(binCount))))
            guard let slot = slot(of: name) else { continue }
            Self.add(value, index: index, isPredicted: name == predicted, to: &classes[slot].bins)
        }
    }

    /// Where a class's bins are, made (in name order) when the class is new and there is room.
    private mutating func slot(of name: String) -> Int? {
        var position = 0
        while position < classes.count {
            if classes[position].name == name { return position }
            if classes[position].name > name { break }
            position += 1
        }
        guard classes.count < Self.maximumClasses else { return nil }
        classes.insert(ClassBins(name: name, bins: []), at: position)
        return position
    }

    private static func add(_ value: Double, index: Int, isPredicted: Bool, to bins: inout [Bin]) {
        var low = 0
        var high = bins.count
        while low < high {
            let middle = (low + high) / 2
            if bins[middle].index < index { low = middle + 1 } else { high = middle }
        }
        if low == bins.count || bins[low].index != index { bins.insert(Bin(index: index, predicted: 0, predictedSum: 0, other: 0, otherSum: 0), at: low) }
        if isPredicted {
            bins[low].predicted += 1
            bins[low].predictedSum += value
        } else {
            bins[low].other += 1
            bins[low].otherSum += value
        }
    }

    public mutating func merge(_ other: EstimationScores) throws(MergeError) {
        guard other.binCount == binCount else { throw MergeError("estimation scores with \(binCount) and \(other.binCount) bins") }
        rows += other.rows
        cells.merge(other.cells)
        for theirClass in other.classes {
            let theirs = theirClass.bins
            guard let slot = slot(of: theirClass.name) else { continue }
            let ours = classes[slot].bins
            guard !ours.isEmpty else {
                classes[slot].bins = theirs
                continue
            }
            var merged: [Bin] = []
            merged.reserveCapacity(ours.count + theirs.count)
            var i = 0
            var j = 0
            while i < ours.count || j < theirs.count {
                if j == theirs.count || (i < ours.count && ours[i].index < theirs[j].index) {
                    merged.append(ours[i])
                    i += 1
                } else if i == ours.count || theirs[j].index < ours[i].index {
                    merged.append(theirs[j])
                    j += 1
                } else {
                    var bin = ours[i]
                    bin.predicted += theirs[j].predicted
                    bin.predictedSum += theirs[j].predictedSum
                    bin.other += theirs[j].other
                    bin.otherSum += theirs[j].otherSum
                    merged.append(bin)
                    i += 1
                    j += 1
                }
            }
            classes[slot].bins = merged
        }
    }
}

extension EstimationScores {
    /// Writes the rows and each class's bins, classes in name order, then the multiclass cells (read only when
    /// present: scores stored before cells were kept end after the bins).
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(binCount)
        encoder.writeVarint(rows)
        encoder.writeVarint(classes.count)
        for entry in classes {
            encoder.write(entry.name)
            encoder.writeVarint(entry.bins.count)
            for bin in entry.bins {
                encoder.writeVarint(bin.index)
                encoder.writeVarint(bin.predicted)
                encoder.write(bin.predictedSum)
                encoder.writeVarint(bin.other)
                encoder.write(bin.otherSum)
            }
        }
        cells.encode(into: &encoder)
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        let binCount = try decoder.readCount("estimation score bins", limit: 1 << 20)
        guard binCount >= 1 else { throw DecodingError("estimation scores with no bin", at: decoder.offset) }
        self.init(binCount: binCount)
        rows = try decoder.readCount("estimated rows", limit: Int.max)
        let classCount = try decoder.readCount("estimation classes", limit: Self.maximumClasses)
        for _ in 0..<classCount {
            let offset = decoder.offset
            let name = try decoder.readString("estimation class")
            guard name > (classes.last?.name ?? "") || classes.isEmpty else { throw DecodingError("estimation classes out of order", at: offset) }
            let count = try decoder.readCount("estimation bins", limit: binCount)
            var bins: [Bin] = []
            bins.reserveCapacity(count)
            for _ in 0..<count {
                let bin = Bin(
                    index: try decoder.readCount("estimation bin", limit: binCount - 1),
                    predicted: try decoder.readCount("predicted rows", limit: rows), predictedSum: try decoder.readDouble("predicted score sum"),
                    other: try decoder.readCount("other rows", limit: rows), otherSum: try decoder.readDouble("other score sum")
                )
                guard bin.index > (bins.last?.index ?? -1), bin.predicted + bin.other > 0 else {
                    throw DecodingError("estimation bin \(bin.index) of \(name) out of order, repeated or empty", at: decoder.offset)
                }
                bins.append(bin)
            }
            classes.append(ClassBins(name: name, bins: bins))
        }
        if !decoder.isAtEnd {
            cells = try ScoreCells(decoding: &decoder)
            guard cells.rows == rows else { throw DecodingError("score cells of \(cells.rows) rows in estimation scores of \(rows)", at: decoder.offset) }
        }
    }
}

extension CBPE {
    /// Why an estimate cannot be made from binned scores.
    public enum EstimationGap: Error, Sendable, Equatable {
        /// No prediction with scores for the model's classes.
        case noScores
        /// A multiclass model whose calibration changes some class's scores: the estimate needs each row's
        /// calibrated scores renormalized together (``ScoreCells``), and some predictions in the window were
        /// counted before Vigil kept them (an older release).
        case multiclassCalibration
    }

    /// The estimate for binned scores (``EstimationScores``), or why there is none. A multiclass model whose
    /// calibration changes its scores is estimated from the score vectors (``ScoreCells``), the others from
    /// the per-class bins.
    public func estimate(_ scores: EstimationScores) -> Result<Estimate, EstimationGap> {
        if !isBinary && calibrators.contains(where: { $0 != nil }) {
            guard scores.cells.rows == scores.rows else { return .failure(.multiclassCalibration) }
            return estimate(scores.cells)
        }
        let used = isBinary ? [classes[1]] : classes
        var classGroups: [[Group]] = []
        var rows = 0
        var spread = 0.0
        for (position, name) in used.enumerated() {
            guard let bins = scores.bins(of: name) else { return .failure(.noScores) }
            let calibrator = isBinary ? calibrators[0] : nil
            var groups: [Group] = []
            var classRows = 0
            for bin in bins.reversed() {
                let predicted = Double(bin.predicted)
                let other = Double(bin.other)
                // Calibrated at the bin's mean score; the spread is what the bin's rows could move by.
                func probability(_ sum: Double, _ count: Double) -> Double {
                    guard count > 0 else { return 0 }
                    return (calibrator.map { $0(sum / count) } ?? sum / count) * count
                }
                groups.append(
                    Group(predicted: predicted, predictedProbability: probability(bin.predictedSum, predicted), other: other, otherProbability: probability(bin.otherSum, other))
                )
                classRows += bin.predicted + bin.other
                if position == 0, let calibrator {
                    let low = Double(bin.index) / Double(scores.binCount)
                    let high = Double(bin.index + 1) / Double(scores.binCount)
                    spread += (calibrator(high) - calibrator(low)) * (predicted + other)
                }
            }
            rows = Swift.max(rows, classRows)
            classGroups.append(groups)
        }
        guard rows > 0 else { return .failure(.noScores) }
        return .success(estimate(classGroups: classGroups, rows: rows, calibrationSpread: spread / Double(rows)))
    }
}

extension CBPE {
    /// The estimate of a multiclass model from its score vectors: each cell's rows calibrated at the cell's mean
    /// scores and renormalized, as NannyML does row by row; each class's rows grouped by the class's grid step,
    /// the ties of the estimate from rows. Classes the estimator does not know are left out of a row's scores,
    /// and a row predicting one counts as predicting none of the estimator's.
    public func estimate(_ cells: ScoreCells) -> Result<Estimate, EstimationGap> {
        let columns = classes.compactMap { cells.classes.firstIndex(of: $0) }
        guard !isBinary, columns.count == classes.count, cells.keptRows > 0 else { return .failure(.noScores) }
        let step = 1 / Double(cells.resolution)
        var groups = [[UInt16: Group]](repeating: [:], count: classes.count)
        var spread = 0.0
        for cell in cells.sortedCells {
            let count = Double(cell.count)
            let probabilities = calibrated(columns.map { cell.mean[$0] })
            let predicted = columns.firstIndex(of: cell.predicted)
            for c in classes.indices {
                var group = groups[c][cell.grid[columns[c]], default: Group(predicted: 0, predictedProbability: 0, other: 0, otherProbability: 0)]
                if predicted == c {
                    group.predicted += count
                    group.predictedProbability += probabilities[c] * count
                } else {
                    group.other += count
                    group.otherProbability += probabilities[c] * count
                }
                groups[c][cell.grid[columns[c]]] = group
            }
            // How far the predicted class's probability could move anywhere in the cell: calibration maps are
            // non-decreasing, so each class's calibrated score lies between its values at the cell's edges.
            guard let predicted else { continue }
            let low = columns.enumerated().map { c, column in calibrate(c, Double(cell.grid[column]) * step) }
            let high = columns.enumerated().map { c, column in calibrate(c, Swift.min(1, Double(cell.grid[column] + 1) * step)) }
            let othersLow = low.reduce(0, +) - low[predicted]
            let othersHigh = high.reduce(0, +) - high[predicted]
            let lower = low[predicted] + othersHigh > 0 ? low[predicted] / (low[predicted] + othersHigh) : 0
            let upper = high[predicted] + othersLow > 0 ? high[predicted] / (high[predicted] + othersLow) : 1
            spread += (upper - lower) * count
        }
        let classGroups = groups.map { byStep in byStep.sorted { $0.key > $1.key }.map(\.value) }
        return .success(estimate(classGroups: classGroups, rows: cells.keptRows, calibrationSpread: spread / Double(cells.keptRows)))
    }

    /// Class `c`'s calibrated score for a raw one (the raw score where the class is not calibrated).
    private func calibrate(_ c: Int, _ score: Double) -> Double {
        calibrators[c].map { $0(score) } ?? score
    }
}
