import Foundation

/// The part of Prometheus' alert templates that Vigil's exported annotations use, rendered as Prometheus renders
/// it, so that the generated promtool tests can say which annotations an alert has: `{{ $labels.NAME }}`,
/// `{{ $value }}` and `{{ $value | humanize }}`, `humanizePercentage`, `humanizeDuration`.
enum GoTemplate {
    /// `text` with its actions replaced.
    static func render(_ text: String, labels: [String: String], value: Double) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
            let action = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let parts = action.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.first == "$value" {
                switch parts.dropFirst().first {
                case nil: result += formatValue(value)
                case "humanize": result += humanize(value)
                case "humanizePercentage": result += humanizePercentage(value)
                case "humanizeDuration": result += humanizeDuration(value)
                default: result += rest[open.lowerBound..<close.upperBound]
                }
            } else if parts.count == 1, parts[0].hasPrefix("$labels.") {
                // A missing label is Go's "<no value>" for a map lookup in a template.
                result += labels[String(parts[0].dropFirst(8))] ?? "<no value>"
            } else {
                result += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// Go's `%v` of a float64: the shortest digits that read back, in exponent form below 1e-4 or from 1e6
    /// (`strconv`'s `'g'` with the shortest precision decides with a precision of 6: `1234567` → `1.234567e+06`).
    static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (negative, digits, exponent) = shortestDigits(value)
        let sign = negative ? "-" : ""
        if exponent < -4 || exponent >= 6 {
            let mantissa = digits.count > 1 ? "\(digits.first!).\(digits.dropFirst())" : digits
            let e = abs(exponent)
            return "\(sign)\(mantissa)e\(exponent < 0 ? "-" : "+")\(e < 10 ? "0" : "")\(e)"
        }
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits }
        if digits.count <= exponent + 1 { return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) }
        let point = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<point] + "." + digits[point...]
    }

    /// The sign, the significant digits and the decimal exponent of the shortest representation of `value`.
    static func shortestDigits(_ value: Double) -> (negative: Bool, digits: String, exponent: Int) {
        // Swift's description is the shortest representation too; only its layout differs from Go's.
        var text = "\(abs(value))"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        exponent += integer.count - 1
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        return (value < 0, digits, exponent)
    }

    /// Go's `%.4g`.
    static func fourDigits(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : value > 0 ? "+Inf" : "-Inf" }
        return String(format: "%.4g", value)
    }

    /// Prometheus' `humanize`: four significant digits with an SI prefix (`1.5k`, `250m`).
    static func humanize(_ value: Double) -> String {
        if value == 0 || !value.isFinite { return fourDigits(value) }
        var v = value
        var prefix = ""
        if abs(v) >= 1 {
            for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
                if abs(v) < 1000 { break }
                prefix = p
                v /= 1000
            }
        } else {
            for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
                if abs(v) >= 1 { break }
                prefix = p
                v *= 1000
            }
        }
        return fourDigits(v) + prefix
    }

    /// Prometheus' `humanizePercentage`: `0.0512` → `5.12%`.
    static func humanizePercentage(_ value: Double) -> String { fourDigits(value * 100) + "%" }

    /// Prometheus' `humanizeDuration`: seconds as `1d 2h 3m 4s`, or `250ms` below a second.
    static func humanizeDuration(_ value: Double) -> String {
        if !value.isFinite { return fourDigits(value) }
        if value == 0 { return "0s" }
        if abs(value) >= 1 {
            let sign = value < 0 ? "-" : ""
            var v = abs(value)
            let days = Int64(v) / 60 / 60 / 24
            let hours = Int64(v) / 60 / 60 % 24
            let minutes = Int64(v) / 60 % 60
            let seconds = Int64(v) % 60
            let fraction = v - Double(Int64(v))
            v = Double(seconds) + fraction
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(Int64(v))s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(Int64(v))s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(Int64(v))s" }
            return sign + fourDigits(v) + "s"
        }
        var v = value
        var prefix = ""
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(v) >= 1 { break }
            prefix = p
            v *= 1000
        }
        return fourDigits(v) + prefix + "s"
    }
}
