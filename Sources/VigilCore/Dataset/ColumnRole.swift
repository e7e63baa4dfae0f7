/// What a column is to the model: an input feature, the ground truth, the model's output, or bookkeeping.
public enum ColumnRole: String, Sendable, Codable, CaseIterable {
    case feature
    case target
    case prediction
    /// A classifier's score (probability) of one class.
    case score
    /// Row identifiers: never tested (every value is new).
    case id
    /// Event times: never tested (the current period is always later).
    case timestamp

    /// Why a column in this role is not tested, or nil when it is.
    var exclusion: String? {
        switch self {
        case .feature, .target, .prediction, .score: nil
        case .id: "id column"
        case .timestamp: "timestamp column"
        }
    }
}
