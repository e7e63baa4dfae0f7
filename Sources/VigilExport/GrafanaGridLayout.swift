/// Places panels left to right on Grafana's 24-column grid, starting a new line when the next panel does not
/// fit, and numbers them; the dashboards are then lists of panels and widths rather than coordinates.
///
/// A line is as tall as its tallest panel, so panels never overlap.
struct GrafanaGridLayout {
    /// The width of Grafana's grid.
    static let columns = 24
    /// The usual panel height in grid rows (30 pixels each): enough for a graph and its legend.
    static let height = 8

    /// The panels placed so far, numbered from 1.
    private(set) var panels: [GrafanaPanel] = []
    private var x = 0
    private var y = 0
    private var lineHeight = 0

    /// Starts a new line with a full-width row header titled `title`.
    mutating func row(_ title: String) {
        if x > 0 { newLine() }
        place(.row(title), width: Self.columns, height: 1)
    }

    /// Adds `panel`, `width` columns wide, after the previous one, or at the start of a new line when it would not fit.
    mutating func add(_ panel: GrafanaPanel, width: Int, height: Int = GrafanaGridLayout.height) {
        place(panel, width: width, height: height)
    }

    private mutating func place(_ panel: GrafanaPanel, width: Int, height: Int) {
        precondition((1...Self.columns).contains(width) && height > 0, "a panel is 1 to 24 columns wide and at least 1 row high")
        if x + width > Self.columns { newLine() }
        var placed = panel
        placed.id = panels.count + 1
        placed.gridPos = GrafanaPanel.GridPosition(x: x, y: y, w: width, h: height)
        panels.append(placed)
        x += width
        lineHeight = max(lineHeight, height)
    }

    private mutating func newLine() {
        y += lineHeight
        x = 0
        lineHeight = 0
    }
}
