import VigilCore
import HTTPTypes

/// The window of a summary: `window=5m|1h|1d|7d|90s` (ending now), or `from`/`to` as RFC 3339 times.
struct WindowParameter {
    /// Parses a duration such as `5m`, `1h`, `7d`, `30s` or plain seconds.
    static func seconds(_ text: String) -> Int64? {
        guard let last = text.last else { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let unit = units[last] {
            guard let count = Int64(text.dropLast()), count > 0 else { return nil }
            return count * unit
        }
        return Int64(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The range in milliseconds that the query names; one hour ending now by default.
    static func range(window: String?, from: String?, to: String?, now: Int64) throws(Problem) -> Range<Int64> {
        if window != nil && (from != nil || to != nil) {
            throw Problem.badParameter("window", "give either window or from/to, not both")
        }
        var end = now
        if let to {
            guard let parsed = Timestamp.parseRFC3339(to) else { throw Problem.badParameter("to", "\"\(to)\" is not an RFC 3339 time") }
            end = parsed
        }
        var start = end - 3_600_000
        if let from {
            guard let parsed = Timestamp.parseRFC3339(from) else { throw Problem.badParameter("from", "\"\(from)\" is not an RFC 3339 time") }
            start = parsed
        } else if let window {
            guard let seconds = seconds(window) else {
                throw Problem.badParameter("window", "\"\(window)\" is not a duration such as 5m, 1h, 1d or 7d")
            }
            start = end - seconds * 1000
        }
        guard start < end else { throw Problem.badParameter("from", "must be before to") }
        return start..<end
    }
}
