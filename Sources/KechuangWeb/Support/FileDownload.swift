import Foundation
import Vapor

extension Response {
    /// An uploaded file sent back as a download under its own name (quotes dropped so the header stays well-formed).
    static func download(_ content: Data, filename: String, contentType: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename.replacingOccurrences(of: "\"", with: ""))\"")
        return Response(status: .ok, headers: headers, body: .init(data: content))
    }
}
