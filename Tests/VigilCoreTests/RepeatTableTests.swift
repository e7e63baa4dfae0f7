import Testing

@testable import VigilCore

@Suite struct RepeatTableTests {
    @Test func countsEveryKeyAsADictionaryWouldThroughEveryGrowth() {
        var table = RepeatTable()
        var expected: [UInt64: Int] = [:]
        var generator = SystemRandomNumberGenerator()
        // 40,000 distinct probabilities of four decimals, each with the sign bit as the class: the table grows
        // from 1,024 slots to 65,536 on the way.
        for _ in 0..<200_000 {
            let probability = Double(Int.random(in: 0...19_999, using: &generator)) / 20_000
            let key = probability.bitPattern | (Bool.random(using: &generator) ? 1 << 63 : 0)
            let counted = table.count(key)
            #expect(counted)
            expected[key, default: 0] += 1
        }
        #expect(table.used == expected.count)
        let entries = Dictionary(uniqueKeysWithValues: table.entries.map { ($0.key, $0.count) })
        #expect(entries == expected)
    }

    @Test func aFullTableRefusesNewKeysAndStillCountsItsOwn() {
        var table = RepeatTable()
        var counted = 0
        for key in 0..<UInt64(1 << 16) where table.count(key) { counted += 1 }
        #expect(counted == 1 << 16)
        let refused = !table.count(1 << 40)
        #expect(refused)
        let countedAgain = table.count(7)
        #expect(countedAgain)
        #expect(table.entries.first { $0.key == 7 }?.count == 2)
        #expect(table.used == 1 << 16)
    }
}
