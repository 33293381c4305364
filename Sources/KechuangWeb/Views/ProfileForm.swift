import Foundation
import KechuangCore
import Vapor

/// The typed-profile forms (一键匹配 and the ladder self-assessment): query values in, inputs and errors out, fields back.
enum ProfileForm {
    /// The non-empty query values except the form's own controls, as raw rule inputs.
    static func rawInputs(_ query: [String: String], skipping controls: Set<String>) -> [String: RawInput] {
        var raw: [String: RawInput] = [:]
        for (k, v) in query where !controls.contains(k) && !v.trimmingCharacters(in: .whitespaces).isEmpty { raw[k] = .text(v) }
        return raw
    }

    /// Input errors by field name (without the `inputs.` prefix) and the others as "field: message" lines.
    static func errors(_ v: ValidationErrors, req: Request) -> (fields: [String: String], general: [String]) {
        var fields: [String: String] = [:], general: [String] = []
        for e in v.errors {
            let message = req.services.translator.message(e, req.lang)
            if let f = e.field, f.hasPrefix("inputs.") { fields[String(f.dropFirst(7))] = message } else { general.append("\(e.field ?? ""): \(message)") }
        }
        return (fields, general)
    }

    static func fields(_ variables: [VariableDef], query: [String: String], missing: Set<String>, errors: [String: String], req: Request) -> [MatchController.Field] {
        let en = req.lang == .en
        return variables.map { v in
            MatchController.Field(name: v.name, label: en ? v.labelEn : v.label, type: v.type.rawValue, source: v.source, government: v.government,
                                  value: query[v.name] ?? "",
                                  options: v.type == .bool ? [.init(value: "true", label: req.t("yes")), .init(value: "false", label: req.t("no"))]
                                         : v.allowed?.map { .init(value: $0, label: req.t("value_\($0)")) },
                                  missing: missing.contains(v.name), error: errors[v.name])
        }
    }
}
