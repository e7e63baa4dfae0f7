import Foundation
import Synchronization

/// Where the server reads the time, in milliseconds since 1970: windows ending now, label maturity,
/// default timestamps, retention horizons. The system's clock in production; a ``ManualClock`` in tests,
/// which then move time instead of sleeping.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Int64

    /// A clock that reads `read`.
    public init(_ read: @escaping @Sendable () -> Int64) { self.read = read }

    /// The system's wall clock.
    public static var system: WallClock { WallClock { Int64((Date().timeIntervalSince1970 * 1000).rounded()) } }

    /// The time now, in milliseconds since 1970.
    public func milliseconds() -> Int64 { read() }
}

/// A clock that stands still until a test moves it.
public final class ManualClock: Sendable {
    private let now: Mutex<Int64>

    /// A clock standing at `milliseconds` since 1970.
    public init(milliseconds: Int64) { now = Mutex(milliseconds) }

    /// Moves the clock forward.
    public func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        now.withLock { $0 += seconds * 1000 + attoseconds / 1_000_000_000_000_000 }
    }

    /// The clock, to hand to the server.
    public var clock: WallClock { WallClock { [self] in now.withLock { $0 } } }
}
