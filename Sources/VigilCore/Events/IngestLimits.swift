/// Bounds on what one request may carry, so that a misbehaving client gets a clear error instead of
/// exhausting memory or Prometheus' label space.
public struct IngestLimits: Sendable, Equatable {
    /// Largest request body, in bytes.
    public var maxBodyBytes = 16 << 20
    /// Most rows in one batch (JSON array or NDJSON body).
    public var maxRowsPerBatch = 50_000
    /// Most features in one row.
    public var maxFeaturesPerRow = 512
    /// Longest string value (feature, label, class, segment tag), in UTF-8 bytes.
    public var maxStringLength = 1024
    /// Longest vector (embedding) feature.
    public var maxVectorLength = 4096
    /// Longest id, model, version, feature or error-type name, in UTF-8 bytes.
    public var maxNameLength = 128
    /// Most segment tags, business metrics or class scores in one row.
    public var maxEntriesPerMap = 64
    /// Whether version names must be plain (see ``isValidName(_:)``); off only for reading back the log.
    public var checksNames = true

    public init() {}

    /// Whether `name` may be a model or version name: letters, digits and `_ . : -`, up to `maxNameLength`
    /// bytes. Names appear in URLs and as Prometheus label values, so they stay plain.
    public func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maxNameLength && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
