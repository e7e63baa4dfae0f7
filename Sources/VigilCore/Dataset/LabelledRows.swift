import VigilStats

/// The target and the prediction of each row of a dataset, paired and folded into a ``QualityProfile``: what
/// `vigil report --target … --prediction …` computes model quality from, in the same pass that profiles the
/// columns.
///
/// What the columns hold decides the task: a categorical target with a categorical prediction is a
/// classifier's labels; a categorical target with a numeric prediction is a binary classifier's probability of
/// the positive class; a numeric target with a numeric prediction is a regressor. Score columns
/// (``DatasetReadOptions/scoreColumns``) make a probability task of one column (the prediction column, if named,
/// then gives the predicted class) and a class-scores task of several (the predicted class is the prediction
/// column's, else the highest score's). Rows without a target are not labelled; rows with a target and no
/// usable prediction are counted as unscorable. A classifier's scored rows are also kept whole, labelled or
/// not (``ScoredRows``), for the CBPE estimate.
struct LabelledRows: Sendable {
    /// One cell of the target or prediction column.
    enum Cell: Sendable, Equatable {
        case missing
        case number(Double)
        case text(String)

        /// The class a cell names (a whole number without its fraction, as labels are named).
        var className: String? {
            switch self {
            case .missing: nil
            case .text(let text): text
            case .number(let value): QualityProfile.className(of: .number(value))
            }
        }
    }

    enum Task: String, Sendable {
        case classes, probability, regression, classScores
    }

    let task: Task
    /// The positive class of a probability prediction, when the user named it.
    let positiveClass: String?
    /// The class of each score column, for ``Task/classScores``.
    let scoreClasses: [String]
    /// True when the row's prediction cell names the predicted class beside its scores.
    let predictionNamesClass: Bool
    /// A classifier's rows with their scores, labelled or not: what CBPE is fitted on and estimates.
    private(set) var scored: ScoredRows
    /// Rows read, labelled or not.
    private(set) var rows = 0
    private var profile = QualityProfile()
    /// Rows with a target and no usable prediction.
    private var unscorable = 0
    /// A regressor's target on every scored row, in file order: the dummy model's baselines need the median
    /// (``DummyRegressor``); 8 bytes a row.
    private(set) var regressionTargets: [Double] = []
    /// Probability rows: the target classes seen (at most two), their rows while the positive class is not yet
    /// known, and the classes once it is.
    private var targetClasses: [String: Int] = [:]
    private var waiting: [(actual: String, probability: Double, predicted: String?)] = []
    /// The probability rows once the positive class is known.
    private var probabilityRows: ProbabilityRows?
    /// The positive and negative class of ``probabilityRows``, set with it (reading them from the rows copied the
    /// whole rows on every row).
    private var resolved: (positive: String, negative: String)?
    /// Classes seen in a classifier's labels, each with its index, and rows per (actual, predicted) index pair:
    /// a look-up in a short list, not a hash of two strings per row.
    private var classNames: [String] = []
    private var classIndex: [String: Int] = [:]
    private var pairCounts: [[Int]] = []

    /// A problem in a row: the message, the column it is about.
    struct RowError: Error, Sendable {
        var message: String
        var column: Column

        /// Which of the labelled columns.
        enum Column: Sendable, Equatable {
            case target, prediction
            case score(Int)
        }

        init(message: String, isPrediction: Bool) {
            self.message = message
            column = isPrediction ? .prediction : .target
        }

        init(message: String, column: Column) {
            self.message = message
            self.column = column
        }
    }

    /// The task for a target and a prediction column of these kinds (nil: text or dates, read as classes), and
    /// this many score columns.
    static func task(target: ColumnKind?, prediction: ColumnKind?, scoreColumns: Int = 0) -> Task {
        if scoreColumns > 1 { return .classScores }
        if scoreColumns == 1 { return .probability }
        switch (target, prediction) {
        case (.numeric, .numeric): return .regression
        case (.categorical, .numeric), (nil, .numeric): return .probability
        default: return .classes
        }
    }

    /// True when the rows are kept whole for the CBPE estimate: only when score columns are named (`--scores`),
    /// since fitting and applying the estimator costs more than reading the file (2.8 s for 1M rows).
    let keepsScoredRows: Bool

    init(task: Task, positiveClass: String?, scoreClasses: [String] = [], predictionNamesClass: Bool = false, keepsScoredRows: Bool = false) {
        self.task = task
        self.positiveClass = positiveClass
        self.scoreClasses = task == .classScores ? scoreClasses : []
        self.predictionNamesClass = predictionNamesClass
        self.keepsScoredRows = keepsScoredRows
        scored = ScoredRows(scoreClasses: self.scoreClasses)
    }

    /// The class names of the numeric targets seen (at most 8), so that `1.0` is not formatted as "1" again on
    /// every row. Values equal as doubles (0 and −0) have the same name.
    private var numberNames: [(value: Double, name: String)] = []

    private mutating func className(of cell: Cell) -> String? {
        guard case .number(let value) = cell else { return cell.className }
        for known in numberNames where known.value == value { return known.name }
        let name = QualityProfile.className(of: .number(value))
        if numberNames.count < 8 { numberNames.append((value, name)) }
        return name
    }

    /// Adds one row's target, prediction and scores (the score columns' cells, in order; none without them).
    mutating func add(target: Cell, prediction: Cell, scores: [Cell] = []) throws(RowError) {
        rows += 1
        switch task {
        case .probability:
            let cell = scores.first ?? prediction
            guard case .number(let probability) = cell else {
                if target != .missing { unscorable += 1 }
                return
            }
            guard probability >= 0 && probability <= 1 else {
                throw RowError(
                    message: "\(probability) is not a probability of the positive class (between 0 and 1)",
                    column: scores.isEmpty ? .prediction : .score(0)
                )
            }
            let predicted = predictionNamesClass ? prediction.className : nil
            let actual = className(of: target)
            if keepsScoredRows { scored.append(score: probability, predicted: predicted, actual: actual) }
            guard let actual else { return }
            try addProbability(actual: actual, probability: probability, predicted: predicted)
            return
        case .classScores:
            try addClassScores(target: target, prediction: prediction, scores: scores)
            return
        case .classes, .regression:
            break
        }
        guard target != .missing else { return }
        switch task {
        case .classes:
            guard let actual = target.className, let predicted = prediction.className else {
                unscorable += 1
                return
            }
            let a = index(of: actual)
            let b = index(of: predicted)
            pairCounts[a][b] += 1
        case .regression:
            guard case .number(let actual) = target, case .number(let predicted) = prediction else {
                if case .number = target {
                    unscorable += 1
                } else {
                    throw RowError(message: "a regression target must be a number", isPrediction: false)
                }
                return
            }
            profile.addRow(actual: actual, predicted: predicted)
            regressionTargets.append(actual)
        case .probability, .classScores:
            break
        }
    }

    /// A row of per-class scores: every score a number in [0, 1], else the row is unscorable (an error when a
    /// score is out of range); the predicted class the prediction column's, else the highest score's.
    private mutating func addClassScores(target: Cell, prediction: Cell, scores cells: [Cell]) throws(RowError) {
        var values: [Double] = []
        values.reserveCapacity(cells.count)
        for (index, cell) in cells.enumerated() {
            guard case .number(let score) = cell else {
                if target != .missing { unscorable += 1 }
                return
            }
            guard score >= 0 && score <= 1 else {
                throw RowError(message: "\(score) is not a score of class \"\(scoreClasses[index])\" (between 0 and 1)", column: .score(index))
            }
            values.append(score)
        }
        let named = predictionNamesClass ? prediction.className : nil
        let actual = target.className
        if keepsScoredRows { scored.append(values, predicted: named, actual: actual) }
        guard let actual else { return }
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        let predicted = named ?? scoreClasses[best]
        let a = index(of: actual)
        let b = index(of: predicted)
        pairCounts[a][b] += 1
        profile.addScores(Dictionary(uniqueKeysWithValues: zip(scoreClasses, values)), actual: profile.admitted(actual), weight: 1)
    }

    /// The index of a class, added when new.
    private mutating func index(of name: String) -> Int {
        if classNames.count <= 16 {
            if let found = classNames.firstIndex(of: name) { return found }
        } else if let found = classIndex[name] {
            return found
        }
        classNames.append(name)
        classIndex[name] = classNames.count - 1
        for row in pairCounts.indices { pairCounts[row].append(0) }
        pairCounts.append(Array(repeating: 0, count: classNames.count))
        return classNames.count - 1
    }

    private mutating func addProbability(actual: String, probability: Double, predicted: String?) throws(RowError) {
        if let (positive, negative) = resolved {
            let predictedPositive = predicted.map { $0 == positive }
            if actual == positive {
                probabilityRows!.add(isPositive: true, probability: probability, predictedPositive: predictedPositive)
            } else if actual == negative {
                probabilityRows!.add(isPositive: false, probability: probability, predictedPositive: predictedPositive)
            } else {
                throw thirdClass(actual)
            }
            return
        }
        if targetClasses[actual] == nil && targetClasses.count == 2 { throw thirdClass(actual) }
        targetClasses[actual, default: 0] += 1
        waiting.append((actual, probability, predicted))
        // The positive class is known once two classes are seen and one of them is named so; the rarer class
        // can only be told at the end, so until then the rows wait (12 bytes each).
        if targetClasses.count == 2, let positive = Self.namedPositive(Array(targetClasses.keys), asked: positiveClass) {
            resolve(positive: positive)
        }
    }

    private func thirdClass(_ actual: String) -> RowError {
        let known = resolved.map { [$0.negative, $0.positive] } ?? targetClasses.keys.sorted()
        return RowError(
            message:
                "a probability prediction needs a target with two classes; this row's \"\(actual)\" is a third (after \(known.joined(separator: ", ")))",
            isPrediction: false
        )
    }

    /// The positive class among two: the one asked for, else one named `1`, `true`, `yes` or `positive`.
    private static func namedPositive(_ classes: [String], asked: String?) -> String? {
        if let asked, classes.contains(asked) { return asked }
        return classes.first { ["1", "true", "yes", "positive"].contains($0.lowercased()) }
    }

    private mutating func resolve(positive: String) {
        let negative = targetClasses.keys.first { $0 != positive } ?? "not \(positive)"
        var rows = ProbabilityRows(positive: positive, negative: negative)
        for row in waiting {
            rows.add(isPositive: row.actual == positive, probability: row.probability, predictedPositive: row.predicted.map { $0 == positive })
        }
        probabilityRows = rows
        resolved = (positive, negative)
        waiting = []
    }

    /// Folds in the rows of another part of the same file.
    mutating func merge(_ other: LabelledRows) throws(RowError) {
        rows += other.rows
        unscorable += other.unscorable
        for (a, actual) in other.classNames.enumerated() {
            for (b, predicted) in other.classNames.enumerated() where other.pairCounts[a][b] > 0 {
                let i = index(of: actual)
                let j = index(of: predicted)
                pairCounts[i][j] += other.pairCounts[a][b]
            }
        }
        profile.merge(other.profile)
        regressionTargets += other.regressionTargets
        scored.merge(other.scored)
        if task == .probability {
            let known = Set(targetClasses.keys).union(other.targetClasses.keys).union(
                [resolved?.positive, resolved?.negative, other.resolved?.positive, other.resolved?.negative].compactMap { $0 }
            )
            guard known.count <= 2 else { throw thirdClass(known.sorted().last!) }
            for row in other.waiting { try addProbability(actual: row.actual, probability: row.probability, predicted: row.predicted) }
            if let theirs = other.probabilityRows {
                if probabilityRows == nil {
                    targetClasses = [theirs.positive: 0, theirs.negative: 0]
                    resolve(positive: theirs.positive)
                }
                guard probabilityRows!.positive == theirs.positive else {
                    throw RowError(
                        message: "the two parts of the file took different positive classes; name one with --positive-class",
                        isPrediction: false
                    )
                }
                probabilityRows!.merge(theirs)
            }
        }
    }

    /// The quality of all the rows.
    func finished() -> QualityProfile {
        var profile = profile
        // Pairs in name order, so that classes past the profile's limit fall into "(other)" the same way whatever
        // order the rows came in.
        let order = classNames.indices.sorted { classNames[$0] < classNames[$1] }
        for a in order {
            for b in order where pairCounts[a][b] > 0 { profile.addRows(actual: classNames[a], predicted: classNames[b], count: pairCounts[a][b]) }
        }
        var rows = probabilityRows
        if !waiting.isEmpty {
            // No class is named positive: the rarer target class is (scikit-learn's pos_label=1 of {0, 1} on a tie).
            let positive =
                positiveClass.flatMap { targetClasses[$0] != nil ? $0 : nil }
                ?? targetClasses.max { ($0.value, $1.key) > ($1.value, $0.key) }!.key
            var copy = self
            copy.resolve(positive: positive)
            rows = copy.probabilityRows
        }
        rows?.fold(into: &profile)
        if unscorable > 0 { profile.addUnscorable(unscorable) }
        return profile
    }
}
