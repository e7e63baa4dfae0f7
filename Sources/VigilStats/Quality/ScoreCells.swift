/// A multiclass model's score vectors kept whole, for the CBPE estimate of a model whose calibration changes
/// its scores: NannyML calibrates each class's score, then renormalizes every row to sum to 1, which needs a
/// row's scores together; ``EstimationScores`` bins each class apart and cannot. Each prediction's normalized
/// scores are rounded down to a grid of `resolution` steps per unit, and the rows of one grid cell that
/// predicted the same class are counted together with the sum of their scores. Mergeable, serializable, and
/// bounded: past ``maximumCells`` cells the grid halves (every cell merges into its coarser parent).
///
/// ## Error bound
/// A cell's rows are calibrated at their mean scores. Scores on a finer grid than the cell's (two decimals on
/// the default 1024 steps) fall one vector to a cell and are estimated exactly; otherwise
/// ``CBPE/Estimate/calibrationSpread`` bounds how far the estimated accuracy could move anywhere in the cells.
public struct ScoreCells: Sendable, Equatable {
    /// Grid steps per unit of score.
    public private(set) var resolution: Int
    /// Rows added, kept or not.
    public private(set) var rows = 0
    /// Rows kept in cells: rows with three to ``EstimationScores/maximumClasses`` classes and a positive score.
    public private(set) var keptRows = 0
    /// The classes of the kept rows, sorted; a row without a score for a class scores 0 for it.
    public private(set) var classes: [String] = []
    /// The cells by grid position and predicted class.
    private(set) var cells: [Key: Cell] = [:]

    /// At most this many cells are kept (the grid coarsens past it): for three classes, ~100 bytes each.
    public static let maximumCells = 4096
    /// 1024 steps: a power of two (see ``coarsen(to:)``), and scores with two decimals fall one value to a step.
    public static let defaultResolution = 1024

    /// A cell: one grid position per class (in ``classes`` order) and the index of the class predicted.
    struct Key: Hashable, Sendable {
        var grid: [UInt16]
        var predicted: UInt8
    }

    /// The rows of one cell and the sums of their normalized scores, per class.
    struct Cell: Sendable, Equatable {
        var count: Int
        var sums: [Double]
        /// The scores every row of the cell has, while they all have the same: their mean is then these bits,
        /// not a sum divided back (3 × 0.1 / 3 is not 0.1), since a calibration map can be steep between
        /// scores one rounding apart.
        var same: [Double]?

        init(count: Int, sums: [Double], same: [Double]?) {
            self.count = count
            self.sums = sums
            self.same = same
        }

        /// The mean scores of the cell's rows.
        var mean: [Double] { same ?? sums.map { $0 / Double(count) } }

        mutating func absorb(_ other: Cell) {
            count += other.count
            for i in sums.indices { sums[i] += other.sums[i] }
            if same != other.same { same = nil }
        }
    }

    /// Empty cells on a grid of `resolution` steps per unit of score: a power of two, so coarsening halves it exactly.
    public init(resolution: Int = ScoreCells.defaultResolution) {
        precondition(resolution >= 1 && resolution <= 1 << 15 && resolution.nonzeroBitCount == 1, "a resolution of a power of two steps, 1 to 32768")
        self.resolution = resolution
    }

    /// True when no row was added.
    public var isEmpty: Bool { rows == 0 }

    /// Adds one prediction's scores (normalized here to sum to 1) and the class it predicted. A row of a binary
    /// model, of too many classes, or predicting a class it has no score for is counted in ``rows`` alone.
    public mutating func add(scores: [String: Double], predicted: String) {
        rows += 1
        guard scores.count >= 3, scores.count <= EstimationScores.maximumClasses, scores[predicted] != nil else { return }
        guard scores.values.contains(where: { $0.isFinite && $0 > 0 }) else { return }
        for name in scores.keys where !classes.contains(name) {
            guard classes.count < EstimationScores.maximumClasses else { return }
            insert(name)
        }
        var values = [Double](repeating: 0, count: classes.count)
        for (name, score) in scores where score.isFinite && score > 0 { values[classes.firstIndex(of: name)!] = score }
        // Summed in class-name order, as an estimator's fit sums them (``CBPE/fit``): a calibration map can be
        // steep between scores one rounding apart, so equal scores must normalize to equal bits.
        let total = values.reduce(0, +)
        for i in values.indices { values[i] /= total }
        keptRows += 1
        add(values: values, cell: Cell(count: 1, sums: values, same: values), predicted: UInt8(classes.firstIndex(of: predicted)!))
        coarsenIfFull()
    }

    /// Adds a cell's rows at the grid position of `values`.
    private mutating func add(values: [Double], cell: Cell, predicted: UInt8) {
        add(grid: values.map { UInt16(Swift.min(resolution - 1, Swift.max(0, Int($0 * Double(resolution))))) }, cell: cell, predicted: predicted)
    }

    private mutating func add(grid: [UInt16], cell: Cell, predicted: UInt8) {
        let key = Key(grid: grid, predicted: predicted)
        if var ours = cells[key] {
            ours.absorb(cell)
            cells[key] = ours
        } else {
            cells[key] = cell
        }
    }

    /// Makes room for a class, in name order: every cell gains a 0 score for it.
    private mutating func insert(_ name: String) {
        let position = classes.firstIndex { $0 > name } ?? classes.count
        classes.insert(name, at: position)
        var widened: [Key: Cell] = [:]
        for (key, cell) in cells {
            var grid = key.grid
            grid.insert(0, at: position)
            var widenedCell = cell
            widenedCell.sums.insert(0, at: position)
            widenedCell.same?.insert(0, at: position)
            let predicted = Int(key.predicted) >= position ? key.predicted + 1 : key.predicted
            widened[Key(grid: grid, predicted: predicted)] = widenedCell
        }
        cells = widened
    }

    /// Halves the grid until the cells fit.
    private mutating func coarsenIfFull() {
        while cells.count > Self.maximumCells && resolution > 1 {
            coarsen(to: resolution / 2)
        }
    }

    /// Re-keys every cell on a coarser grid of `target` steps (cells whose parents coincide merge). Grids are
    /// powers of two, so a parent is the index halved: the cell a row lands in does not depend on whether the
    /// grid coarsened before or after it came, and the final grid is the finest that holds every row.
    private mutating func coarsen(to target: Int) {
        guard target < resolution else { return }
        let old = cells
        let shift = resolution.trailingZeroBitCount - target.trailingZeroBitCount
        resolution = target
        cells = [:]
        for (key, cell) in old {
            add(grid: key.grid.map { $0 >> shift }, cell: cell, predicted: key.predicted)
        }
    }

    /// Adds another's rows: classes are united, and the finer grid coarsened to the other's.
    public mutating func merge(_ other: ScoreCells) {
        rows += other.rows
        keptRows += other.keptRows
        guard !other.cells.isEmpty else { return }
        var theirs = other
        for name in theirs.classes where !classes.contains(name) { insert(name) }
        for name in classes where !theirs.classes.contains(name) { theirs.insert(name) }
        if theirs.resolution < resolution { coarsen(to: theirs.resolution) }
        if resolution < theirs.resolution { theirs.coarsen(to: resolution) }
        for (key, cell) in theirs.cells { add(grid: key.grid, cell: cell, predicted: key.predicted) }
        coarsenIfFull()
    }

    /// Every cell: the grid position per class, the predicted class's index, the rows and their mean scores.
    /// In key order, so that what is computed from them does not depend on the hashing.
    public var sortedCells: [(grid: [UInt16], predicted: Int, count: Int, mean: [Double])] {
        cells.map { ($0.key.grid, Int($0.key.predicted), $0.value.count, $0.value.mean) }
            .sorted { $0.grid == $1.grid ? $0.predicted < $1.predicted : $0.grid.lexicographicallyPrecedes($1.grid) }
    }
}

extension ScoreCells {
    /// Writes the grid, the counts, the classes and every cell in key order (so equal cells give equal bytes).
    public func encode(into encoder: inout BinaryEncoder) {
        encoder.writeVarint(resolution)
        encoder.writeVarint(rows)
        encoder.writeVarint(keptRows)
        encoder.writeVarint(classes.count)
        for name in classes { encoder.write(name) }
        let sorted = cells.sorted {
            $0.key.grid == $1.key.grid ? $0.key.predicted < $1.key.predicted : $0.key.grid.lexicographicallyPrecedes($1.key.grid)
        }
        encoder.writeVarint(sorted.count)
        for (key, cell) in sorted {
            for position in key.grid { encoder.writeVarint(Int(position)) }
            encoder.writeVarint(Int(key.predicted))
            encoder.writeVarint(cell.count)
            for sum in cell.sums { encoder.write(sum) }
            // The shared scores of a cell of several equal rows (one row's are its sums).
            if cell.count > 1, let same = cell.same {
                encoder.write(UInt8(1))
                for value in same { encoder.write(value) }
            } else if cell.count > 1 {
                encoder.write(UInt8(0))
            }
        }
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        let resolution = try decoder.readCount("score cell resolution", limit: 1 << 15)
        guard resolution >= 1, resolution.nonzeroBitCount == 1 else {
            throw DecodingError("score cells on a grid of \(resolution) steps, not a power of two", at: decoder.offset)
        }
        self.init(resolution: resolution)
        rows = try decoder.readCount("score cell rows", limit: Int.max)
        keptRows = try decoder.readCount("kept score cell rows", limit: rows)
        let classCount = try decoder.readCount("score cell classes", limit: EstimationScores.maximumClasses)
        for _ in 0..<classCount {
            let name = try decoder.readString("score cell class")
            guard classes.last.map({ $0 < name }) ?? true else { throw DecodingError("score cell classes out of order", at: decoder.offset) }
            classes.append(name)
        }
        let cellCount = try decoder.readCount("score cells", limit: Self.maximumCells)
        var total = 0
        for _ in 0..<cellCount {
            var grid: [UInt16] = []
            for _ in 0..<classCount { grid.append(UInt16(try decoder.readCount("score cell position", limit: resolution - 1))) }
            let predicted = try decoder.readCount("score cell class", limit: classCount - 1)
            let count = try decoder.readCount("score cell rows", limit: keptRows)
            guard count > 0 else { throw DecodingError("an empty score cell", at: decoder.offset) }
            var sums: [Double] = []
            for _ in 0..<classCount { sums.append(try decoder.readDouble("score cell sum")) }
            var same: [Double]? = sums
            if count > 1 {
                switch try decoder.readUInt8("score cell kind") {
                case 0: same = nil
                case 1:
                    same = []
                    for _ in 0..<classCount { same!.append(try decoder.readDouble("score cell scores")) }
                default: throw DecodingError("a score cell of an unknown kind", at: decoder.offset)
                }
            }
            let key = Key(grid: grid, predicted: UInt8(predicted))
            guard cells[key] == nil else { throw DecodingError("a score cell written twice", at: decoder.offset) }
            cells[key] = Cell(count: count, sums: sums, same: same)
            total += count
        }
        guard total == keptRows else { throw DecodingError("score cells hold \(total) rows, not \(keptRows)", at: decoder.offset) }
    }
}
