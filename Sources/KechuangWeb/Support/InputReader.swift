import Foundation
import KechuangCore
import Vapor

/// Reads a form or JSON body as flat text fields, rejecting malformed bodies, unknown fields and wrong types.
///
/// Both HTML forms and the JSON API go through here, so both give the same field-named errors.
struct InputReader {
    let values: [String: String]

    /// `allowed` lists the fields the handler understands; anything else is an error naming the field.
    init(_ req: Request, allowed: Set<String>) throws {
        // Bodies the server did not stream (tests, small requests) still obey the size limit.
        if let size = req.body.data?.readableBytes, size > req.services.config.maxBodyBytes {
            throw DomainError(.payloadTooLarge, code: "body.too_large")
        }
        var allowedAll = allowed
        allowedAll.insert("_csrf")
        let raw: [String: String]
        if req.headers.contentType == .json {
            raw = try Self.readJSON(req)
        } else if req.headers.contentType == .urlEncodedForm, (req.body.data?.readableBytes ?? 0) > 0 {
            guard let form = try? req.content.decode([String: String].self) else {
                throw DomainError(.malformed, code: "body.malformed_form")
            }
            raw = form
        } else if req.body.data == nil || req.body.data?.readableBytes == 0 {
            raw = [:]
        } else {
            throw DomainError(.malformed, code: "body.unsupported_type")
        }
        if let unknown = raw.keys.sorted().first(where: { !allowedAll.contains($0) }) {
            throw DomainError.invalid(unknown, "field.unknown", ["field": String(unknown.prefix(40))])
        }
        values = raw
    }

    private static func readJSON(_ req: Request) throws -> [String: String] {
        guard let body = req.body.data, body.readableBytes > 0 else { return [:] }
        let data = Data(body.readableBytesView)
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw DomainError(.malformed, code: "body.malformed_json")
        }
        guard let dict = try? JSONDecoder().decode([String: JSONScalar].self, from: data) else {
            throw DomainError(.malformed, code: "body.not_object")
        }
        var out: [String: String] = [:]
        for (key, value) in dict {
            switch value {
            case .text(let s): out[key] = s
            case .null: continue
            case .nested: throw DomainError.invalid(key, "field.type", ["expected": "string"])
            }
        }
        return out
    }

    /// One top-level JSON value: scalars become text, objects and arrays are type errors.
    private enum JSONScalar: Decodable {
        case text(String), null, nested

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .text(b ? "true" : "false") }
            else if let i = try? c.decode(Int64.self) { self = .text(String(i)) }
            else if let d = try? c.decode(Decimal.self) { self = .text("\(d)") }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else { self = .nested }
        }
    }

    subscript(_ key: String) -> String? { values[key] }

    /// An optional whole number within `range`.
    func int(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = values[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let n = Int(raw) else { throw DomainError.invalid(key, "field.not_integer") }
        guard range.contains(n) else {
            throw DomainError.invalid(key, "field.out_of_range", ["min": String(range.lowerBound), "max": String(range.upperBound)])
        }
        return n
    }
}
