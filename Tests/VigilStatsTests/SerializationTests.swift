import Testing
@testable import VigilStats

/// Every sketch round-trips exactly and every damaged byte sequence is rejected with an error.
struct SerializationTests {
    static func sampleNumericColumn(distinct: Int) -> NumericColumnSketch {
        var column = NumericColumnSketch()
        for value in TestData.integers(50_000, range: distinct, seed: 4) { column.add(value) }
        column.add(nil)
        column.add(.nan)
        return column
    }

    static func sampleCategoricalColumn() -> CategoricalColumnSketch {
        var column = CategoricalColumnSketch(capacity: 64)
        for value in TestData.categories(20_000, distinct: 300, seed: 6) { column.add(value) }
        column.add(nil)
        return column
    }

    static func roundTrip<Value: BinarySerializable & Equatable>(_ value: Value) throws {
        let bytes = value.serialized()
        let decoded = try Value(serialized: bytes)
        #expect(decoded == value)
        #expect(decoded.serialized() == bytes)
    }

    /// Against Python's `zlib.crc32` (values printed by it), across lengths around the eight-byte steps,
    /// from an array and from a slice that starts mid-word.
    @Test func crc32MatchesZlib() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let expected: [(Int, UInt32)] = [
            (0, 0), (1, 0x4C66_7A2E), (7, 0x3E48_3922), (8, 0xA756_0428), (9, 0xCA12_FEFE), (15, 0x8F77_FABB), (16, 0x0636_A895),
            (1000, 0x8902_161E), (4099, 0xEE39_A9CC),
        ]
        for (length, crc) in expected {
            let bytes = (0..<length).map { UInt8(($0 * 31 + 7) % 256) }
            #expect(CRC32.checksum(bytes) == crc, "\(length) bytes")
            #expect(CRC32.checksum(([0xAA] + bytes)[1...]) == crc, "\(length) bytes from a slice")
        }
    }

    @Test func everySketchRoundTripsExactly() throws {
        var moments = Moments()
        var quantiles = QuantileSketch()
        var distinct = DistinctCountSketch()
        var histogram = FixedBinHistogram(equalWidthBins: 10, lower: -3, upper: 3)
        for value in TestData.normal(100_000, seed: 8) {
            moments.add(value)
            quantiles.add(value)
            distinct.add(value)
            histogram.add(value)
        }
        try Self.roundTrip(moments)
        try Self.roundTrip(Moments())
        try Self.roundTrip(quantiles)
        try Self.roundTrip(QuantileSketch())
        try Self.roundTrip(distinct)
        try Self.roundTrip(histogram)
        try Self.roundTrip(Self.sampleNumericColumn(distinct: 10))
        try Self.roundTrip(Self.sampleNumericColumn(distinct: 40_000))
        try Self.roundTrip(NumericColumnSketch())
        try Self.roundTrip(Self.sampleCategoricalColumn())
        try Self.roundTrip(Self.sampleCategoricalColumn().items)
    }

    @Test func decodedSketchKeepsWorkingLikeTheOriginal() throws {
        var original = QuantileSketch()
        for value in TestData.uniform(30_000, seed: 1) { original.add(value) }
        var decoded = try QuantileSketch(serialized: original.serialized())
        for value in TestData.uniform(30_000, seed: 2) {
            original.add(value)
            decoded.add(value)
        }
        #expect(decoded.serialized() == original.serialized())
    }

    @Test func everyTruncationIsRejected() {
        let bytes = Self.sampleNumericColumn(distinct: 10).serialized()
        for length in 0..<bytes.count {
            #expect(throws: DecodingError.self, "prefix of \(length) bytes") {
                try NumericColumnSketch(serialized: Array(bytes[0..<length]))
            }
        }
    }

    @Test func everySingleByteCorruptionIsRejected() {
        let bytes = Self.sampleCategoricalColumn().serialized()
        for position in bytes.indices {
            var damaged = bytes
            damaged[position] ^= 0x5A
            #expect(throws: DecodingError.self, "byte \(position) flipped") { try CategoricalColumnSketch(serialized: damaged) }
        }
    }

    @Test func wrongKindAndUnknownVersionAreNamed() throws {
        let bytes = Moments().serialized()
        let kindError = #expect(throws: DecodingError.self) { try QuantileSketch(serialized: bytes) }
        #expect(kindError?.reason.contains("expected") == true)
        var future = bytes
        future[4] = 99
        let versionError = #expect(throws: DecodingError.self) { try Moments(serialized: future) }
        #expect(versionError?.reason.contains("unsupported format version 99") == true)
    }

    /// Bytes that pass the checksum but lie about their content are still rejected by the payload checks.
    @Test func consistentChecksumWithInconsistentPayloadIsRejected() {
        var encoder = BinaryEncoder()
        encoder.writeVarint(512)  // k
        encoder.writeVarint(5)  // count claims 5
        encoder.write(UInt64(1))
        encoder.write(1.0)
        encoder.write(2.0)
        encoder.writeVarint(1)
        encoder.write([1.0, 2.0])  // but only 2 items of weight 1
        var frame = BinaryEncoder()
        frame.write(rawBytes: SketchEnvelope.magic)
        frame.write(SketchEnvelope.formatVersion)
        frame.write(SketchKind.quantiles.rawValue)
        frame.write(UInt64(encoder.bytes.count))
        frame.write(rawBytes: encoder.bytes)
        frame.write(CRC32.checksum(frame.bytes))
        let error = #expect(throws: DecodingError.self) { try QuantileSketch(serialized: frame.bytes) }
        #expect(error?.reason.contains("does not equal count") == true)
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 77)
        for length in [0, 3, 20, 64, 500] {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                #expect(throws: DecodingError.self) { try NumericColumnSketch(serialized: bytes) }
            }
        }
    }
}
