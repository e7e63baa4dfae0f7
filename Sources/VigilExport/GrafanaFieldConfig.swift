/// How a ``GrafanaPanel`` shows its values: the unit, bounds, threshold colours and value mappings of every
/// field (`defaults`), and per-field exceptions (`overrides`).
struct GrafanaFieldConfig: Encodable, Sendable {
    var defaults: Defaults
    var overrides: [Override] = []

    /// The settings of every field.
    struct Defaults: Encodable, Sendable {
        /// A Grafana unit id (`reqps`, `percentunit`, `s`, `bytes`, `short`, `none`); every panel has one.
        var unit: String
        var min: Double?
        var max: Double?
        var decimals: Int?
        var color: Color
        var thresholds: Thresholds
        var mappings: [Mapping] = []
        var custom: Custom?
    }

    /// How series are coloured: `palette-classic` (one colour per series) or `thresholds`.
    struct Color: Encodable, Sendable {
        var mode: String
    }

    /// The threshold steps, from the base step up.
    struct Thresholds: Encodable, Sendable {
        var mode = "absolute"
        var steps: [Step]
    }

    /// A threshold: values from `value` up take `color`.
    struct Step: Encodable, Sendable {
        var color: String
        /// nil for the base step, below every other one.
        var value: Double?

        /// The colour of values below every other step.
        static func base(_ color: String) -> Step { Step(color: color, value: nil) }

        /// Values from `value` up are `color`.
        static func at(_ value: Double, _ color: String) -> Step { Step(color: color, value: value) }

        private enum CodingKeys: String, CodingKey {
            case color, value
        }

        /// Grafana wants the base step's value written as `null`, which the synthesized encoding would leave out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(color, forKey: .color)
            if let value {
                try container.encode(value, forKey: .value)
            } else {
                try container.encodeNil(forKey: .value)
            }
        }
    }

    /// Text and colour for exact values (`0` → stable, `1` → drifted).
    struct Mapping: Encodable, Sendable {
        var type = "value"
        var options: [String: MappedValue]

        /// What a value is shown as.
        struct MappedValue: Encodable, Sendable {
            var text: String
            var color: String
            var index: Int
        }

        /// Maps each value to its text and colour, in the order given.
        static func values(_ values: [(value: String, text: String, color: String)]) -> Mapping {
            var options: [String: MappedValue] = [:]
            for (index, entry) in values.enumerated() {
                options[entry.value] = MappedValue(text: entry.text, color: entry.color, index: index)
            }
            return Mapping(options: options)
        }
    }

    /// The settings specific to a visualization; only those of the panel's type are set.
    struct Custom: Encodable, Sendable {
        var drawStyle: String?
        var lineInterpolation: String?
        var lineWidth: Int?
        var fillOpacity: Int?
        var gradientMode: String?
        var showPoints: String?
        var spanNulls: Bool?
        var axisPlacement: String?
        var stacking: Stacking?
        var thresholdsStyle: ThresholdsStyle?
        var align: String?
        var cellOptions: CellOptions?
        var inspect: Bool?
    }

    /// Whether a graph's series are stacked: `none`, `normal`.
    struct Stacking: Encodable, Sendable {
        var mode: String
        var group = "A"
    }

    /// Whether a graph draws its thresholds: `off`, `line`, `dashed`.
    struct ThresholdsStyle: Encodable, Sendable {
        var mode: String
    }

    /// How a table draws its cells.
    struct CellOptions: Encodable, Sendable {
        var type: String
    }

    /// Settings for the fields that match, overriding the defaults.
    struct Override: Encodable, Sendable {
        var matcher: Matcher
        var properties: [Property]

        /// Which fields: `byName` and the field's (displayed) name.
        struct Matcher: Encodable, Sendable {
            var id = "byName"
            var options: String
        }

        /// One overridden setting.
        struct Property: Encodable, Sendable {
            var id: String
            var value: String
        }

        /// The field named `field` shown in `unit`.
        static func unit(_ unit: String, field: String) -> Override {
            Override(matcher: Matcher(options: field), properties: [Property(id: "unit", value: unit)])
        }
    }
}
