import Foundation

/// A small Markdown document as a self-contained HTML page: headings (with ids, so that `#name` links land on
/// them), paragraphs, bullet lists, fenced code, inline code and links. Enough for Vigil's own documents, such
/// as the runbooks `vigil serve` serves; not a general Markdown renderer.
public enum MarkdownPage {
    /// The page for `markdown`, titled `title`.
    public static func render(_ markdown: String, title: String) -> String {
        var body: [String] = []
        var paragraph: [String] = []
        var list: [String] = []
        var code: [String]?
        func flush() {
            if !paragraph.isEmpty { body.append("<p>\(inline(paragraph.joined(separator: " ")))</p>") }
            if !list.isEmpty { body.append("<ul>" + list.map { "<li>\(inline($0))</li>" }.joined() + "</ul>") }
            paragraph = []
            list = []
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                if let lines = code {
                    body.append("<pre><code>\(HTMLEscaping.escape(lines.joined(separator: "\n")))</code></pre>")
                    code = nil
                } else {
                    flush()
                    code = []
                }
            } else if code != nil {
                code!.append(line)
            } else if let level = (1...3).first(where: { line.hasPrefix(String(repeating: "#", count: $0) + " ") }) {
                flush()
                let text = String(line.dropFirst(level + 1))
                body.append("<h\(level) id=\"\(slug(text))\">\(inline(text))</h\(level)>")
            } else if line.hasPrefix("- ") {
                if !paragraph.isEmpty { flush() }
                list.append(String(line.dropFirst(2)))
            } else if line.hasPrefix("  "), !list.isEmpty {
                list[list.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if line.trimmingCharacters(in: .whitespaces).isEmpty {
                flush()
            } else {
                if !list.isEmpty { flush() }
                paragraph.append(line)
            }
        }
        flush()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLEscaping.escape(title))</title>
            <style>body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:820px;padding:16px 24px;color:#1d1d1f}
            h2{margin-top:28px;border-top:1px solid #e3e3e3;padding-top:12px}code{background:#f3f3f3;padding:1px 4px;border-radius:4px}
            pre{background:#f3f3f3;padding:8px 12px;overflow:auto}:target{background:#fff8d6}a{color:#0b57d0}</style>
            </head><body>
            \(body.joined(separator: "\n"))
            </body></html>
            """
    }

    /// A heading's anchor: lower case, letters and digits kept, the rest dashes (`MLModelDown` → `mlmodeldown`).
    public static func slug(_ text: String) -> String {
        var result = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                result.append(character)
            } else if !result.isEmpty, result.last != "-" {
                result.append("-")
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }

    /// Inline code (`…`) and links ([text](url)); everything else escaped.
    static func inline(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let index = rest.firstIndex(where: { $0 == "`" || $0 == "[" }) {
            result += HTMLEscaping.escape(String(rest[..<index]))
            if rest[index] == "`", let close = rest[rest.index(after: index)...].firstIndex(of: "`") {
                result += "<code>\(HTMLEscaping.escape(String(rest[rest.index(after: index)..<close])))</code>"
                rest = rest[rest.index(after: close)...]
            } else if rest[index] == "[", let middle = rest[index...].range(of: "]("), let close = rest[middle.upperBound...].firstIndex(of: ")") {
                let label = rest[rest.index(after: index)..<middle.lowerBound]
                let target = rest[middle.upperBound..<close]
                result += "<a href=\"\(HTMLEscaping.escape(String(target)))\">\(HTMLEscaping.escape(String(label)))</a>"
                rest = rest[rest.index(after: close)...]
            } else {
                result += HTMLEscaping.escape(String(rest[index]))
                rest = rest[rest.index(after: index)...]
            }
        }
        return result + HTMLEscaping.escape(String(rest))
    }
}
