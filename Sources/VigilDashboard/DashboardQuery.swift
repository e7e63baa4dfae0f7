import Foundation
import VigilCore

/// The state of a dashboard view, all of it in the URL: the time range (a preset or a custom from/to), the
/// version, the tab and the refresh period. A link (a notification's `generatorURL`, a bookmark) opens the
/// exact view, and every link on a page keeps what it does not change.
public struct DashboardQuery: Sendable, Equatable {
    /// The tabs of a model's page.
    public enum Tab: String, Sendable, CaseIterable {
        case operational, data, quality, versions

        var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    /// A parameter the dashboard cannot read; the page answers 400 naming it.
    public struct InvalidParameter: Error, Sendable, Equatable {
        /// The parameter.
        public var name: String
        /// What is wrong with it.
        public var reason: String
    }

    /// The preset ranges, from five minutes to thirty days.
    public static let presets: [(name: String, milliseconds: Int64)] = [
        ("5m", 300_000), ("15m", 900_000), ("1h", 3_600_000), ("6h", 21_600_000), ("24h", 86_400_000), ("7d", 604_800_000), ("30d", 2_592_000_000),
    ]
    /// Automatic refresh choices, in seconds; 0 is off.
    public static let refreshChoices = [0, 10, 30, 60, 300]

    /// A preset range ending now; nil for a custom one.
    public var preset: String?
    /// A custom range's start, milliseconds since 1970.
    public var from: Int64?
    /// A custom range's end, milliseconds since 1970; nil ends it now.
    public var to: Int64?
    /// One version, or nil for the model's versions together.
    public var version: String?
    /// The tab of a model's page.
    public var tab: Tab
    /// Seconds between automatic reloads; 0 is off.
    public var refresh: Int
    /// An alert to point at (the alerts page highlights it).
    public var fingerprint: String?

    /// The default view: the last hour, every version, the operational tab, no refresh.
    public init(
        preset: String? = "1h",
        from: Int64? = nil,
        to: Int64? = nil,
        version: String? = nil,
        tab: Tab = .operational,
        refresh: Int = 0,
        fingerprint: String? = nil
    ) {
        self.preset = preset
        self.from = from
        self.to = to
        self.version = version
        self.tab = tab
        self.refresh = refresh
        self.fingerprint = fingerprint
    }

    /// Reads a view from its query parameters.
    /// - Throws: ``InvalidParameter`` naming the parameter that does not read.
    public static func parse(_ items: [String: String]) throws(InvalidParameter) -> DashboardQuery {
        var query = DashboardQuery()
        let from = items["from"].flatMap { $0.isEmpty ? nil : $0 }
        let to = items["to"].flatMap { $0.isEmpty ? nil : $0 }
        if let range = items["range"], !range.isEmpty, range != "custom" {
            guard presets.contains(where: { $0.name == range }) else {
                throw InvalidParameter(name: "range", reason: "\"\(range)\" is not one of \(presets.map(\.name).joined(separator: ", ")) or custom")
            }
            query.preset = range
        } else if from != nil || to != nil || items["range"] == "custom" {
            guard let from else { throw InvalidParameter(name: "from", reason: "a custom range needs from") }
            guard let start = time(from) else { throw InvalidParameter(name: "from", reason: "\"\(from)\" is not a time such as 2026-12-01T14:00Z") }
            query.preset = nil
            query.from = start
            if let to {
                guard let end = time(to) else { throw InvalidParameter(name: "to", reason: "\"\(to)\" is not a time such as 2026-12-01T15:00Z") }
                guard start < end else { throw InvalidParameter(name: "from", reason: "must be before to") }
                guard end - start <= 90 * 86_400_000 else { throw InvalidParameter(name: "from", reason: "a range spans at most 90 days") }
                query.to = end
            }
        }
        if let version = items["version"], !version.isEmpty { query.version = version }
        if let tab = items["tab"], !tab.isEmpty {
            guard let parsed = Tab(rawValue: tab) else {
                throw InvalidParameter(name: "tab", reason: "\"\(tab)\" is not one of \(Tab.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.tab = parsed
        }
        if let refresh = items["refresh"], !refresh.isEmpty {
            guard let seconds = Int(refresh), refreshChoices.contains(seconds) else {
                throw InvalidParameter(
                    name: "refresh",
                    reason: "\"\(refresh)\" is not one of \(refreshChoices.map(String.init).joined(separator: ", ")) seconds"
                )
            }
            query.refresh = seconds
        }
        if let fingerprint = items["fingerprint"], !fingerprint.isEmpty { query.fingerprint = fingerprint }
        return query
    }

    /// RFC 3339, or the `2026-12-01T14:00` a browser's datetime-local input sends (read as UTC).
    static func time(_ text: String) -> Int64? {
        if let parsed = Timestamp.parseRFC3339(text) { return parsed }
        let padded = text.count == 16 ? text + ":00Z" : text.count == 19 ? text + "Z" : text
        return Timestamp.parseRFC3339(padded)
    }

    /// The range the view shows at `now`: a custom range ends at `to`, or now. A preset of a day or more starts
    /// on the hour before `now − length` (up to 59 minutes more than its name): its first hour is then a whole
    /// hour the server keeps merged, where a start that moves with every minute read that hour's buckets again
    /// on every page (`vigil-bench dashboard`).
    public func range(now: Int64) -> Range<Int64> {
        if let from { return from..<max(from + 1, to ?? now) }
        let length = Self.presets.first { $0.name == preset }?.milliseconds ?? 3_600_000
        let start = now - length
        guard length >= 86_400_000 else { return start..<now }
        return (start - ((start % 3_600_000) + 3_600_000) % 3_600_000)..<now
    }

    /// The distance between points of a chart over `range`: the shortest of a few round steps (never below a
    /// bucket) that gives at most `points` points.
    public static func step(for range: Range<Int64>, bucket: Int64, points: Int = 96) -> Int64 {
        let steps: [Int64] = [
            60_000, 300_000, 900_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000,
        ]
        let span = range.upperBound - range.lowerBound
        let step = steps.first { span / $0 <= Int64(points) } ?? steps.last!
        return max(bucket, (step / bucket) * bucket)
    }

    /// The spans of a chart's points: aligned to the step (UTC), the last one ending at the range's end.
    public static func spans(of range: Range<Int64>, step: Int64) -> [Range<Int64>] {
        var start = (range.lowerBound / step) * step
        var spans: [Range<Int64>] = []
        while start < range.upperBound {
            spans.append(max(start, range.lowerBound)..<min(start + step, range.upperBound))
            start += step
        }
        return spans
    }

    /// The query string of this view with some parts changed, for links that keep the rest.
    public func link(_ path: String, tab: Tab? = nil, version: String?? = nil, preset: String?? = nil, refresh: Int? = nil) -> String {
        var copy = self
        if let tab { copy.tab = tab }
        if let version { copy.version = version }
        if let preset {
            copy.preset = preset
            copy.from = nil
            copy.to = nil
        }
        if let refresh { copy.refresh = refresh }
        return path + copy.queryString
    }

    /// `?range=1h&tab=data…`, with only what differs from the default.
    public var queryString: String {
        var items: [(String, String)] = []
        if let from {
            items.append(("from", Timestamp.formatRFC3339(milliseconds: from)))
            if let to { items.append(("to", Timestamp.formatRFC3339(milliseconds: to))) }
        } else if let preset, preset != "1h" {
            items.append(("range", preset))
        }
        if let version { items.append(("version", version)) }
        if tab != .operational { items.append(("tab", tab.rawValue)) }
        if refresh != 0 { items.append(("refresh", String(refresh))) }
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes a query value or a path segment (everything but unreserved characters).
    public static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
