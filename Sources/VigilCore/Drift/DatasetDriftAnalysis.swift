public import VigilStats

/// The drift verdict for one column.
public struct ColumnDrift: Sendable, Equatable {
    public var column: String
    public var kind: ColumnKind
    public var result: DriftResult
}

/// A difference in schema between reference and current.
public enum SchemaIssue: Sendable, Equatable, CustomStringConvertible {
    case missingInCurrent(column: String)
    case addedInCurrent(column: String)
    case kindChanged(column: String, reference: ColumnKind, current: ColumnKind)
    /// A column with no valid value on one side cannot be tested.
    case noValues(column: String, side: String)
    /// The chosen method could not run on this column.
    case untestable(column: String, reason: String)

    public var description: String {
        switch self {
        case .missingInCurrent(let column): "column \"\(column)\" is missing from the current data"
        case .addedInCurrent(let column): "column \"\(column)\" is new in the current data"
        case .kindChanged(let column, let reference, let current): "column \"\(column)\" is \(reference) in the reference but \(current) now"
        case .noValues(let column, let side): "column \"\(column)\" has no valid values in the \(side) data"
        case .untestable(let column, let reason): "column \"\(column)\": \(reason)"
        }
    }
}

/// Drift of a whole dataset: the per-column verdicts, the share of drifted columns, and schema issues.
public struct DatasetDrift: Sendable, Equatable {
    public var columns: [ColumnDrift]
    public var schemaIssues: [SchemaIssue]
    public var datasetDriftShareThreshold: Double

    public var driftedColumnCount: Int { columns.filter(\.result.drifted).count }
    /// Drifted columns over tested columns; 0 when nothing was tested.
    public var driftShare: Double { columns.isEmpty ? 0 : Double(driftedColumnCount) / Double(columns.count) }
    public var datasetDrifted: Bool { !columns.isEmpty && driftShare >= datasetDriftShareThreshold }

    /// Compares `current` with `reference` column by column, spreading columns over the available cores.
    public static func analyze(reference: DatasetProfile, current: DatasetProfile, options: DriftOptions = DriftOptions()) -> DatasetDrift {
        let names = reference.columnNames.filter { !options.ignoredColumns.contains($0) }
        let outcomes = ParallelMap.map(names) { name in
            analyzeColumn(name, reference: reference, current: current, options: options)
        }
        var columns = [ColumnDrift]()
        var issues = [SchemaIssue]()
        for outcome in outcomes {
            switch outcome {
            case .success(let column): columns.append(column)
            case .failure(let issue): issues.append(issue)
            }
        }
        for name in current.columnNames where reference[column: name] == nil && !options.ignoredColumns.contains(name) {
            issues.append(.addedInCurrent(column: name))
        }
        return DatasetDrift(columns: columns, schemaIssues: issues, datasetDriftShareThreshold: options.datasetDriftShare)
    }

    private static func analyzeColumn(
        _ name: String,
        reference: DatasetProfile,
        current: DatasetProfile,
        options: DriftOptions
    ) -> Result<ColumnDrift, SchemaIssue> {
        let referenceColumn = reference[column: name]!
        guard let currentColumn = current[column: name] else { return .failure(.missingInCurrent(column: name)) }
        guard referenceColumn.kind == currentColumn.kind else {
            return .failure(.kindChanged(column: name, reference: referenceColumn.kind, current: currentColumn.kind))
        }
        let referenceInput = referenceColumn.driftInput
        let currentInput = currentColumn.driftInput
        if referenceInput.count == 0 { return .failure(.noValues(column: name, side: "reference")) }
        if currentInput.count == 0 { return .failure(.noValues(column: name, side: "current")) }
        let override = options.columns[name]
        let kindMethod = referenceColumn.kind == .numeric ? options.numericMethod : options.categoricalMethod
        do {
            let result = try DriftTestSelection.run(
                override?.method ?? kindMethod,
                reference: referenceInput,
                current: currentInput,
                threshold: override?.threshold ?? options.threshold,
                binning: override?.binning
            )
            return .success(ColumnDrift(column: name, kind: referenceColumn.kind, result: result))
        } catch {
            return .failure(.untestable(column: name, reason: error.description))
        }
    }
}

extension SchemaIssue: Error {}
