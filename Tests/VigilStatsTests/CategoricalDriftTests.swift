import Testing
@testable import VigilStats

/// Categorical drift tests against scipy's chi2_contingency and Evidently's stattests.
struct CategoricalDriftTests {
    static let cases = ReferenceFixtures.shared.categorical

    @Test(arguments: cases)
    func chiSquareMatchesScipyContingency(_ fixture: ReferenceFixtures.CategoricalCase) throws {
        let result = try ChiSquareTest.test(CategoryCounts(values: fixture.reference), CategoryCounts(values: fixture.current))
        #expect(isClose(result.statistic, fixture.chiSquare, relative: 1e-10, absolute: 1e-12))
        #expect(isClose(result.score, fixture.chiSquarePValue, relative: 1e-9, absolute: 1e-300), "p \(result.score) vs scipy \(fixture.chiSquarePValue)")
        #expect(ChiSquareTest.statistic(CategoryCounts(values: fixture.reference), CategoryCounts(values: fixture.current)).degreesOfFreedom == fixture.chiSquareDegrees)
    }

    @Test(arguments: cases.filter { $0.zPValue != nil })
    func zTestMatchesEvidently(_ fixture: ReferenceFixtures.CategoricalCase) throws {
        let result = try ProportionZTest.test(CategoryCounts(values: fixture.reference), CategoryCounts(values: fixture.current))
        #expect(isClose(result.score, fixture.zPValue!, relative: 1e-9, absolute: 1e-12), "p \(result.score) vs Evidently \(fixture.zPValue!)")
    }

    @Test(arguments: cases)
    func binnedDistancesMatchEvidently(_ fixture: ReferenceFixtures.CategoricalCase) throws {
        let reference = CategoryCounts(values: fixture.reference)
        let current = CategoryCounts(values: fixture.current)
        let expectations: [(DriftMethod, Double)] = [
            (.populationStabilityIndex, fixture.evidentlyPSI), (.jensenShannon, fixture.evidentlyJensenShannon),
            (.kullbackLeibler, fixture.evidentlyKL), (.hellinger, fixture.hellinger),
        ]
        for (method, expected) in expectations {
            let result = try BinnedDistances.test(method, reference, current)
            #expect(isClose(result.score, expected, relative: 1e-9, absolute: 1e-12), "\(method): \(result.score) vs \(expected)")
        }
    }

    @Test func zTestRejectsMoreThanTwoCategories() {
        #expect(throws: DriftTestError.self) {
            try ProportionZTest.test(CategoryCounts(values: ["a", "b", "c"]), CategoryCounts(values: ["a"]))
        }
    }
}
