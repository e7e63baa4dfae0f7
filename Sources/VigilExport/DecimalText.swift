import Foundation

/// Numbers written as people write them: thresholds in exported rules are exact decimals (`0.0144`, not
/// `14.4 * 0.0009999999999999432`, Sloth's way), computed with decimal arithmetic from the numbers as the
/// configuration gave them.
enum DecimalText {
    /// The shortest decimal that reads back as `value` (`0.999`, `500`, `1e-05` → `0.00001`).
    static func decimal(_ value: Double) -> Decimal {
        Decimal(string: "\(value)") ?? Decimal(value)
    }

    /// `value` in plain decimal notation, without a trailing `.0`.
    static func text(_ value: Decimal) -> String {
        var rounded = value
        var copy = value
        // 20 decimals is beyond any threshold a person writes, and keeps division results finite.
        NSDecimalRound(&rounded, &copy, 20, .plain)
        return NSDecimalNumber(decimal: rounded).stringValue
    }

    /// `value` in plain decimal notation.
    static func text(_ value: Double) -> String { text(decimal(value)) }

    /// `a × b`, exactly.
    static func product(_ a: Double, _ b: Double) -> String { text(decimal(a) * decimal(b)) }

    /// `milliseconds` in seconds, exactly (`500` → `0.5`).
    static func seconds(milliseconds: Double) -> String { text(decimal(milliseconds) / 1000) }
}
