import VigilStats

/// The target and the prediction of each row of a dataset, paired and folded into a ``QualityProfile``: what
/// `vigil report --target … --prediction …` computes model quality from, in the same pass that profiles the
/// columns.
///
/// What the columns hold decides the task: a categorical target with a categorical prediction is a
/// classifier's labels; a categorical target with a numeric prediction is a binary classifier's probability of
/// the positive class; a numeric target with a numeric prediction is a regressor. Rows without a target are
/// not labelled; rows with a target and no usable prediction are counted as unscorable.
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
        case classes, probability, regression
    }

    let task: Task
    /// The positive class of a probability prediction, when the user named it.
    let positiveClass: String?
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
    private var waiting: [(actual: String, probability: Double)] = []
    /// The probability rows once the positive class is known.
    private var probabilityRows: ProbabilityRows?
    private var resolved: (positive: String, negative: String)? { probabilityRows.map { ($0.positive, $0.negative) } }
    /// Classes seen in a classifier's labels, each with its index, and rows per (actual, predicted) index pair:
    /// a look-up in a short list, not a hash of two strings per row.
    private var classNames: [String] = []
    private var classIndex: [String: Int] = [:]
    private var pairCounts: [[Int]] = []

    /// A problem in a row: the message, the column (target or prediction) it is about.
    struct RowError: Error, Sendable {
        var message: String
        var isPrediction: Bool
    }

    /// The task for a target and a prediction column of these kinds (nil: text or dates, read as classes).
    static func task(target: ColumnKind?, prediction: ColumnKind?) -> Task {
        switch (target, prediction) {
        case (.numeric, .numeric): .regression
        case (.categorical, .numeric), (nil, .numeric): .probability
        default: .classes
        }
    }

    init(task: Task, positiveClass: String?) {
        self.task = task
        self.positiveClass = positiveClass
    }

    /// Adds one row's target and prediction.
    mutating func add(target: Cell, prediction: Cell) throws(RowError) {
        rows += 1
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
                if case .number = target { unscorable += 1 } else { throw RowError(message: "a regression target must be a number", isPrediction: false) }
                return
            }
            profile.addRow(actual: actual, predicted: predicted)
            regressionTargets.append(actual)
        case .probability:
            guard let actual = target.className else { return }
            guard case .number(let probability) = prediction else {
                unscorable += 1
                return
            }
            guard probability >= 0 && probability <= 1 else {
                throw RowError(message: "\(probability) is not a probability of the positive class (between 0 and 1)", isPrediction: true)
            }
            try addProbability(actual: actual, probability: probability)
        }
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

    private mutating func addProbability(actual: String, probability: Double) throws(RowError) {
        if probabilityRows != nil {
            if actual == probabilityRows!.positive {
                probabilityRows!.add(isPositive: true, probability: probability)
            } else if actual == probabilityRows!.negative {
                probabilityRows!.add(isPositive: false, probability: probability)
            } else {
                throw thirdClass(actual)
            }
            return
        }
        if targetClasses[actual] == nil && targetClasses.count == 2 { throw thirdClass(actual) }
        targetClasses[actual, default: 0] += 1
        waiting.append((actual, probability))
        // The positive class is known once two classes are seen and one of them is named so; the rarer class
        // can only be told at the end, so until then the rows wait (12 bytes each).
        if targetClasses.count == 2, let positive = Self.namedPositive(Array(targetClasses.keys), asked: positiveClass) {
            resolve(positive: positive)
        }
    }

    private func thirdClass(_ actual: String) -> RowError {
        let known = resolved.map { [$0.negative, $0.positive] } ?? targetClasses.keys.sorted()
        return RowError(
            message: "a probability prediction needs a target with two classes; this row's \"\(actual)\" is a third (after \(known.joined(separator: ", ")))",
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
        for row in waiting { rows.add(isPositive: row.actual == positive, probability: row.probability) }
        probabilityRows = rows
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
        if task == .probability {
            let known = Set(targetClasses.keys).union(other.targetClasses.keys).union([resolved?.positive, resolved?.negative, other.resolved?.positive, other.resolved?.negative].compactMap { $0 })
            guard known.count <= 2 else { throw thirdClass(known.sorted().last!) }
            for row in other.waiting { try addProbability(actual: row.actual, probability: row.probability) }
            if let theirs = other.probabilityRows {
                if probabilityRows == nil {
                    targetClasses = [theirs.positive: 0, theirs.negative: 0]
                    resolve(positive: theirs.positive)
                }
                guard probabilityRows!.positive == theirs.positive else {
                    throw RowError(message: "the two parts of the file took different positive classes; name one with --positive-class", isPrediction: false)
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
            let positive = positiveClass.flatMap { targetClasses[$0] != nil ? $0 : nil }
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
