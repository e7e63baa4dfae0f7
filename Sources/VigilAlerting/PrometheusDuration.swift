/// Durations written as Prometheus writes them: `15s`, `5m`, `1h30m`, `7d`, `2w`, `500ms`.
public enum PrometheusDuration {
    /// Milliseconds in each unit, longest suffix first so that `ms` is not read as `m`.
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000),
    ]

    /// The milliseconds of `text`, or nil when it is not a duration: units from the largest to the smallest,
    /// each at most once, as Prometheus' `model.ParseDuration` accepts them; `0` alone is zero.
    public static func milliseconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        guard !text.isEmpty else { return nil }
        var rest = Substring(text)
        var total: Int64 = 0
        var lastUnit = -1
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let index = units.indices.first(where: { rest.hasPrefix(units[$0].suffix) }) else { return nil }
            // "1h30m" is fine, "30m1h" and "1m1m" are not.
            guard unitOrder(index) > lastUnit else { return nil }
            lastUnit = unitOrder(index)
            let (product, overflow) = value.multipliedReportingOverflow(by: units[index].milliseconds)
            guard !overflow else { return nil }
            total += product
            rest = rest.dropFirst(units[index].suffix.count)
        }
        return total
    }

    /// The order of units from the largest (0) to the smallest.
    private static func unitOrder(_ index: Int) -> Int { index == 0 ? 6 : index - 1 }

    /// `600000` → `10m`, `5400000` → `1h30m`, `0` → `0s`: the shortest form that reads back to the same value.
    public static func format(milliseconds: Int64) -> String {
        guard milliseconds > 0 else { return "0s" }
        var rest = milliseconds
        var text = ""
        for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] where rest >= size {
            text += "\(rest / size)\(suffix)"
            rest %= size
        }
        return text
    }
}
