/// A sum of doubles that does not depend on the order of its terms, and from which a term can be taken
/// away exactly: the mergeable, subtractable state behind every quality figure Vigil keeps per bucket.
///
/// Each term is converted to a 256-bit two's-complement fixed-point number with 128 fractional bits and
/// added as an integer. Integer addition commutes and a term subtracted is exactly the term added, so the
/// same predictions and labels give byte-identical sums whatever order they arrive in, and a corrected label
/// leaves the sum exactly as if the first label had never come. Terms are exact down to 2⁻¹²⁸ ≈ 3·10⁻³⁹
/// (smaller bits are cut, the same way for every order); terms of magnitude 2¹⁰⁰ ≈ 1.3·10³⁰ or more are
/// clamped to that bound, which leaves room for 2²⁶ of them before the 2¹²⁷ range could overflow.
public struct ExactSum: Sendable, Hashable {
    /// Limbs, least significant first; the value is the 256-bit integer over 2¹²⁸.
    private var l0: UInt64 = 0
    private var l1: UInt64 = 0
    private var l2: UInt64 = 0
    private var l3: UInt64 = 0

    static let fractionalBits = 128
    /// The largest magnitude a single term keeps.
    public static let maximumTerm = 0x1p100

    /// Zero.
    public init() {}

    /// True when the sum is exactly zero.
    public var isZero: Bool { l0 == 0 && l1 == 0 && l2 == 0 && l3 == 0 }

    /// Adds `value` (subtracts it when `negated`); a non-finite value is ignored.
    public mutating func add(_ value: Double, negated: Bool = false) {
        guard value.isFinite, value != 0 else { return }
        var limbs = Self.fixedPoint(Swift.min(Swift.max(value, -Self.maximumTerm), Self.maximumTerm))
        if negated { limbs = Self.negate(limbs) }
        addLimbs(limbs)
    }

    /// Adds `value` `count` times, exactly (the fixed-point term multiplied by the count): what `count` calls of
    /// ``add(_:negated:)`` would give, in one step; a negative count subtracts.
    public mutating func add(_ value: Double, times count: Int) {
        guard value.isFinite, value != 0, count != 0 else { return }
        let clamped = Swift.min(Swift.max(value, -Self.maximumTerm), Self.maximumTerm)
        let term = Self.fixedPoint(abs(clamped))
        let factor = UInt64(count.magnitude)
        var carry: UInt64 = 0
        func step(_ limb: UInt64) -> UInt64 {
            let (high, low) = limb.multipliedFullWidth(by: factor)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            carry = high &+ (overflow ? 1 : 0)
            return sum
        }
        var product = (step(term.0), step(term.1), step(term.2), step(term.3))
        if (clamped < 0) != (count < 0) { product = Self.negate(product) }
        addLimbs(product)
    }

    /// Adds another sum.
    public mutating func merge(_ other: ExactSum) { addLimbs((other.l0, other.l1, other.l2, other.l3)) }

    /// Subtracts another sum.
    public mutating func subtract(_ other: ExactSum) { addLimbs(Self.negate((other.l0, other.l1, other.l2, other.l3))) }

    private mutating func addLimbs(_ b: (UInt64, UInt64, UInt64, UInt64)) {
        var carry: UInt64 = 0
        func step(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (s1, o1) = a.addingReportingOverflow(b)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
            return s2
        }
        l0 = step(l0, b.0)
        l1 = step(l1, b.1)
        l2 = step(l2, b.2)
        l3 = step(l3, b.3)
    }

    /// `|value| · 2¹²⁸` as a 256-bit integer, negated for a negative value; bits below 2⁻¹²⁸ are cut.
    private static func fixedPoint(_ value: Double) -> (UInt64, UInt64, UInt64, UInt64) {
        let magnitude = abs(value)
        guard magnitude.isNormal else { return (0, 0, 0, 0) }
        var mantissa = (UInt64(1) << 52) | magnitude.significandBitPattern
        var shift = Int(magnitude.exponent) - 52 + fractionalBits
        if shift < 0 {
            guard shift > -64 else { return (0, 0, 0, 0) }
            mantissa >>= UInt64(-shift)
            shift = 0
        }
        // The mantissa lands in at most two adjacent limbs; a tuple, not an array, so no allocation per term.
        let index = shift / 64
        let bit = UInt64(shift % 64)
        let low = mantissa << bit
        let high = bit > 0 ? mantissa >> (64 - bit) : 0
        var result: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        switch index {
        case 0: result = (low, high, 0, 0)
        case 1: result = (0, low, high, 0)
        case 2: result = (0, 0, low, high)
        default: result = (0, 0, 0, low)
        }
        return value < 0 ? negate(result) : result
    }

    private static func negate(_ x: (UInt64, UInt64, UInt64, UInt64)) -> (UInt64, UInt64, UInt64, UInt64) {
        var carry: UInt64 = 1
        func step(_ a: UInt64) -> UInt64 {
            let (sum, overflow) = (~a).addingReportingOverflow(carry)
            carry = overflow ? 1 : 0
            return sum
        }
        let a = step(x.0)
        let b = step(x.1)
        let c = step(x.2)
        let d = step(x.3)
        return (a, b, c, d)
    }

    /// The sum as a double-double `hi + lo` (about 106 significant bits), for figures that subtract large
    /// sums (R²'s total sum of squares).
    public var doubleDouble: (hi: Double, lo: Double) {
        let negative = l3 >> 63 == 1
        let m = negative ? Self.negate((l0, l1, l2, l3)) : (l0, l1, l2, l3)
        // Each 32-bit half of a limb is exact as a double; add them smallest first in double-double.
        var hi = 0.0
        var lo = 0.0
        for (index, limb) in [m.0, m.1, m.2, m.3].enumerated() {
            for half in 0..<2 {
                let part = Double((limb >> UInt64(32 * half)) & 0xFFFF_FFFF)
                guard part != 0 else { continue }
                let scaled = part * Double(sign: .plus, exponent: 64 * index + 32 * half - Self.fractionalBits, significand: 1)
                (hi, lo) = DoubleDouble.add((hi, lo), scaled)
            }
        }
        return negative ? (-hi, -lo) : (hi, lo)
    }

    /// The sum, rounded to a double.
    public var value: Double {
        let (hi, lo) = doubleDouble
        return hi + lo
    }

    /// The limbs, for serialization.
    var limbs: [UInt64] { [l0, l1, l2, l3] }

    init(limbs: [UInt64]) {
        precondition(limbs.count == 4, "four limbs")
        (l0, l1, l2, l3) = (limbs[0], limbs[1], limbs[2], limbs[3])
    }
}

extension ExactSum {
    /// Writes the four limbs as varints: an empty sum costs 4 bytes, a positive one of a bucket about 20.
    public func encode(into encoder: inout BinaryEncoder) {
        for limb in limbs { encoder.writeVarint(limb) }
    }

    /// Reads a sum written by ``encode(into:)``.
    public init(decoding decoder: inout BinaryDecoder) throws(DecodingError) {
        var limbs: [UInt64] = []
        for _ in 0..<4 { limbs.append(try decoder.readVarint("exact sum limb")) }
        self.init(limbs: limbs)
    }
}

/// Error-free transformations for double-double arithmetic (Knuth's two-sum, the fused two-product).
enum DoubleDouble {
    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    static func add(_ x: (Double, Double), _ y: Double) -> (Double, Double) {
        let (s, e) = twoSum(x.0, y)
        return fastTwoSum(s, e + x.1)
    }

    static func add(_ x: (Double, Double), _ y: (Double, Double)) -> (Double, Double) {
        let (s, e) = twoSum(x.0, y.0)
        return fastTwoSum(s, e + x.1 + y.1)
    }

    static func fastTwoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        return (s, b - (s - a))
    }

    static func multiply(_ x: (Double, Double), _ y: (Double, Double)) -> (Double, Double) {
        let p = x.0 * y.0
        let e = (-p).addingProduct(x.0, y.0)
        return fastTwoSum(p, e + x.0 * y.1 + x.1 * y.0)
    }

    static func divide(_ x: (Double, Double), _ d: Double) -> (Double, Double) {
        let q1 = x.0 / d
        // The remainder x − q1·d, exactly where it matters.
        let p = q1 * d
        let e = (-p).addingProduct(q1, d)
        let remainder = ((x.0 - p) - e) + x.1
        return fastTwoSum(q1, remainder / d)
    }
}
