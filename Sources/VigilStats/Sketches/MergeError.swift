/// Two summaries could not be merged because they were built with different parameters.
public struct MergeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
