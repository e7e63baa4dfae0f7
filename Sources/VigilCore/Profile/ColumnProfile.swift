public import VigilStats

/// What Vigil keeps about one column of a dataset: a numeric or categorical sketch.
public enum ColumnProfile: Sendable, Equatable {
    case numeric(NumericColumnSketch)
    case categorical(CategoricalColumnSketch)

    /// The column's kind, as used in schema comparisons.
    public var kind: ColumnKind {
        switch self {
        case .numeric: .numeric
        case .categorical: .categorical
        }
    }

    /// Rows seen, including missing and invalid values.
    public var rowCount: Int {
        switch self {
        case .numeric(let sketch): sketch.rowCount
        case .categorical(let sketch): sketch.rowCount
        }
    }

    /// Missing values (nulls, empty cells).
    public var missingCount: Int {
        switch self {
        case .numeric(let sketch): sketch.missingCount
        case .categorical(let sketch): sketch.missingCount
        }
    }

    /// The column as the drift tests take it.
    public var driftInput: DriftInput {
        switch self {
        case .numeric(let sketch): sketch.driftInput
        case .categorical(let sketch): sketch.driftInput
        }
    }

    public mutating func merge(_ other: ColumnProfile) throws(ProfileError) {
        switch (self, other) {
        case (.numeric(var mine), .numeric(let theirs)):
            do { try mine.merge(theirs) } catch { throw ProfileError(error.description) }
            self = .numeric(mine)
        case (.categorical(var mine), .categorical(let theirs)):
            do { try mine.merge(theirs) } catch { throw ProfileError(error.description) }
            self = .categorical(mine)
        default:
            throw ProfileError("cannot merge a \(kind) column with a \(other.kind) column")
        }
    }
}

/// The statistical type of a column.
public enum ColumnKind: String, Sendable, Codable, CaseIterable {
    case numeric
    case categorical
}

/// A profile could not be built, merged or read.
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
