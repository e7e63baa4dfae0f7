extension DatasetReadOptions.ScoreColumn {
    /// Why a list of score columns cannot be read.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong with which entry, for the caller to put after its flag or parameter name.
        public let description: String
    }

    /// Score columns as `vigil report --scores` and `PUT …/estimator?scores=` take them: entries separated by
    /// commas, each `class=column` or a column named after its class; a single bare column is a binary model's
    /// positive-class probability.
    public static func parse(_ entries: [String]) throws(ParseError) -> [Self] {
        let items = entries.flatMap { $0.split(separator: ",").map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) } }
            .filter { !$0.isEmpty }
        var columns: [Self] = []
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else {
                columns.append(Self(className: items.count == 1 ? nil : item, column: item))
                continue
            }
            guard !parts[0].isEmpty, !parts[1].isEmpty else { throw ParseError(description: "\"\(item)\" is not class=column") }
            columns.append(Self(className: parts[0], column: parts[1]))
        }
        var seen = Set<String>()
        for name in columns.compactMap(\.className) where !seen.insert(name).inserted {
            throw ParseError(description: "class \"\(name)\" is named twice")
        }
        return columns
    }
}

extension DatasetReadOptions {
    /// Names the model's columns: the target, the prediction and the score columns get their roles, and the
    /// positive class of a binary model is set when given.
    public mutating func nameModelColumns(target: String?, prediction: String?, scores: [ScoreColumn], positiveClass: String?) {
        if let target { roles[target] = .target }
        if let prediction { roles[prediction] = .prediction }
        self.positiveClass = positiveClass
        scoreColumns = scores
        for column in scores { roles[column.column] = .score }
    }
}
