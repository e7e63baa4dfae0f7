/// A non-decreasing, piecewise-linear map fitted by pool-adjacent-violators, with scikit-learn's
/// `IsotonicRegression(increasing=True, out_of_bounds="clip")` semantics: rows are sorted by x (then y), rows
/// with the same x are replaced by their weighted mean, the fitted values are interpolated linearly between the
/// fitted points, and inputs outside the fitted range take the value at its nearest end.
///
/// It is what NannyML calibrates a classifier's scores with before estimating its performance (CBPE).
public struct IsotonicRegression: Sendable, Equatable {
    /// The fitted points' inputs, ascending and distinct; points inside a flat stretch are left out, as
    /// scikit-learn's `X_thresholds_` leaves them out, since interpolation between the ends gives the same value.
    public let thresholds: [Double]
    /// The fitted value at each threshold, non-decreasing.
    public let values: [Double]

    /// Fits the map to pairs of input and target (non-finite pairs are left out).
    /// - Precondition: at least one finite pair.
    public init(inputs: [Double], targets: [Double]) {
        precondition(inputs.count == targets.count, "one target per input")
        let pairs = zip(inputs, targets).filter { $0.0.isFinite && $0.1.isFinite }.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        precondition(!pairs.isEmpty, "an isotonic fit needs at least one finite pair")
        // Distinct inputs, each with the mean target of its rows and their count as weight.
        var x: [Double] = []
        var sums: [Double] = []
        var weights: [Double] = []
        for (input, target) in pairs {
            if input == x.last {
                sums[sums.count - 1] += target
                weights[weights.count - 1] += 1
            } else {
                x.append(input)
                sums.append(target)
                weights.append(1)
            }
        }
        // Pool adjacent violators: blocks of (weighted sum, weight, points), merged while a block's mean is
        // not below the next one's.
        var blockSum: [Double] = []
        var blockWeight: [Double] = []
        var blockPoints: [Int] = []
        for i in x.indices {
            blockSum.append(sums[i])
            blockWeight.append(weights[i])
            blockPoints.append(1)
            while blockSum.count > 1 {
                let last = blockSum.count - 1
                guard blockSum[last - 1] / blockWeight[last - 1] >= blockSum[last] / blockWeight[last] else { break }
                blockSum[last - 1] += blockSum.removeLast()
                blockWeight[last - 1] += blockWeight.removeLast()
                blockPoints[last - 1] += blockPoints.removeLast()
            }
        }
        var fitted: [Double] = []
        fitted.reserveCapacity(x.count)
        for block in blockSum.indices {
            fitted.append(contentsOf: repeatElement(blockSum[block] / blockWeight[block], count: blockPoints[block]))
        }
        // Keep the ends and every point where the value changes on either side.
        var keptX: [Double] = []
        var keptY: [Double] = []
        for i in x.indices where i == 0 || i == x.count - 1 || fitted[i] != fitted[i - 1] || fitted[i] != fitted[i + 1] {
            keptX.append(x[i])
            keptY.append(fitted[i])
        }
        thresholds = keptX
        values = keptY
    }

    /// A map from its fitted points, as read back from storage.
    /// - Precondition: as many values as thresholds, at least one, thresholds ascending.
    public init(thresholds: [Double], values: [Double]) {
        precondition(thresholds.count == values.count && !thresholds.isEmpty, "one value per threshold, at least one")
        self.thresholds = thresholds
        self.values = values
    }

    /// The fitted value at `input`: interpolated between the fitted points, clipped to the fitted range.
    public func callAsFunction(_ input: Double) -> Double {
        guard input.isFinite else { return input.isNaN ? .nan : (input < 0 ? values[0] : values[values.count - 1]) }
        if input <= thresholds[0] { return values[0] }
        if input >= thresholds[thresholds.count - 1] { return values[values.count - 1] }
        var low = 0
        var high = thresholds.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if thresholds[middle] <= input { low = middle } else { high = middle }
        }
        // numpy.interp's form, so that values match scikit-learn's to the last bit where they can.
        let slope = (values[high] - values[low]) / (thresholds[high] - thresholds[low])
        return slope * (input - thresholds[low]) + values[low]
    }
}

extension IsotonicRegression {
    /// Writes the fitted points.
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.write(thresholds)
        encoder.write(values)
    }

    /// Reads a map written by ``encode(into:)``, checking that it is one.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        let offset = decoder.offset
        let thresholds = try decoder.readDoubles("isotonic thresholds")
        let values = try decoder.readDoubles("isotonic values")
        guard thresholds.count == values.count, !thresholds.isEmpty,
            zip(thresholds, thresholds.dropFirst()).allSatisfy({ $0 < $1 }), zip(values, values.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw DecodingError("an isotonic map whose points are not ascending", at: offset) }
        self.init(thresholds: thresholds, values: values)
    }
}
