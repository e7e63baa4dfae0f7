/// The rows of one ingestion request, decoded: the events that are valid, each with its row index, and the
/// errors of the rows that are not.
public struct EventBatch<Event: Sendable>: Sendable {
    public var events: [(row: Int, event: Event)]
    public var errors: [EventRowError]
    /// Rows in the request, valid or not.
    public var rowCount: Int { events.count + errors.count }
}

/// How a request body is laid out.
public enum EventBodyLayout: Sendable, Equatable {
    /// One JSON object, or a JSON array of objects.
    case json
    /// One JSON object per line (`application/x-ndjson`, `application/jsonl`); blank lines are skipped.
    case ndjson

    /// The layout a `Content-Type` names; nil for a type Vigil does not read.
    public init?(contentType: String?) {
        guard let contentType else {
            self = .json
            return
        }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        switch mediaType {
        // curl -d sends form encoding by default; its body is the JSON the user typed.
        case "", "application/json", "text/json", "application/x-www-form-urlencoded": self = .json
        case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
            self = .ndjson
        default: return nil
        }
    }
}

extension EventWireFormat {
    /// Decodes a body of predictions. Each row is checked on its own, so one bad row names itself and the
    /// others can still be stored (when the client asks for partial acceptance).
    /// - Throws: ``EventRowError`` with `row == nil` when the body as a whole cannot be read (malformed JSON
    ///   array, too many rows, empty body).
    public func predictions(in body: [UInt8], layout: EventBodyLayout) throws(EventRowError) -> EventBatch<PredictionEvent> {
        try decode(body, layout: layout) { (value, row) throws(EventRowError) in try prediction(from: value, row: row) }
    }

    /// Decodes a body of labels, row by row like ``predictions(in:layout:)``.
    public func labels(in body: [UInt8], layout: EventBodyLayout) throws(EventRowError) -> EventBatch<LabelEvent> {
        try decode(body, layout: layout) { (value, row) throws(EventRowError) in try label(from: value, row: row) }
    }

    private func decode<Event>(
        _ body: [UInt8], layout: EventBodyLayout, _ makeEvent: (JSONValue, Int) throws(EventRowError) -> Event
    ) throws(EventRowError) -> EventBatch<Event> {
        var batch = EventBatch<Event>(events: [], errors: [])
        let limit = limits.maxRowsPerBatch
        func add(_ value: JSONValue, row: Int) throws(EventRowError) {
            guard row < limit else {
                throw EventRowError(row: nil, field: nil, message: "the batch has more than \(limit) rows; split it")
            }
            do throws(EventRowError) { batch.events.append((row, try makeEvent(value, row))) } catch { batch.errors.append(error) }
        }
        let outcome: Result<Void, EventRowError> = body.withUnsafeBufferPointer { bytes in
            do throws(EventRowError) {
                var start = 0
                while start < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[start]) { start += 1 }
                guard start < bytes.count else { throw EventRowError(row: nil, field: nil, message: "the body is empty") }
                if layout == .json && bytes[start] == UInt8(ascii: "[") {
                    let rows: [JSONValue]
                    switch JSONParser.result(bytes, start: start) {
                    case .success(.array(let elements)): rows = elements
                    case .success: preconditionFailure("a '[' always parses to an array")
                    case .failure(let error): throw EventRowError(row: nil, field: nil, message: "the body is not valid JSON: \(error)")
                    }
                    for (row, element) in rows.enumerated() { try add(element, row: row) }
                } else if layout == .json, case .success(let single) = JSONParser.result(bytes, start: start) {
                    try add(single, row: 0)
                } else {
                    // NDJSON, or a JSON body that holds several objects one per line: each line is a row.
                    var row = 0
                    var lineNumber = 0
                    var lineStart = 0
                    while lineStart < bytes.count {
                        lineNumber += 1
                        var lineEnd = lineStart
                        while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
                        var contentStart = lineStart
                        while contentStart < lineEnd, [0x20, 0x0D, 0x09].contains(bytes[contentStart]) { contentStart += 1 }
                        if contentStart < lineEnd {
                            switch JSONParser.result(bytes, start: contentStart, end: lineEnd) {
                            case .success(let value):
                                try add(value, row: row)
                            case .failure(let error):
                                guard row < limit else {
                                    throw EventRowError(row: nil, field: nil, message: "the batch has more than \(limit) rows; split it")
                                }
                                batch.errors.append(EventRowError(
                                    row: row, field: nil,
                                    message: "line \(lineNumber) is not valid JSON: \(error.message) at column \(error.offset - lineStart + 1)"
                                ))
                            }
                            row += 1
                        }
                        lineStart = lineEnd + 1
                    }
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
        return batch
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result.removeFirst() }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}
