import Fluent
import KechuangStore
import SQLKit
import Vapor

/// Health, metrics and the OpenAPI document.
struct OpsController {
    func register(_ r: any RoutesBuilder) {
        r.on(.GET, "healthz", access: .everyone, use: health)
        r.on(.GET, "metrics", access: .everyone, use: metrics)
        r.on(.GET, "api", "openapi.json", access: .everyone, use: openAPI)
    }

    struct Health: Content {
        let status: String
        let database: String
    }

    /// 200 when the database answers a query, 503 otherwise (load balancers take the process out).
    @Sendable func health(req: Request) async throws -> Response {
        do {
            _ = try await StoreSQL.sql(req.db).raw("SELECT 1 AS ok").all()
            let res = Response(status: .ok)
            try res.content.encode(Health(status: "ok", database: "ok"))
            return res
        } catch {
            req.logger.error("health check failed", metadata: ["error": .string(String(reflecting: error))])
            let res = Response(status: .serviceUnavailable)
            try res.content.encode(Health(status: "unavailable", database: "unreachable"))
            return res
        }
    }

    @Sendable func metrics(req: Request) async throws -> Response {
        var buffer: [UInt8] = []
        req.services.metrics.emit(into: &buffer)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(data: Data(buffer)))
    }

    @Sendable func openAPI(req: Request) async throws -> Response {
        let path = req.services.config.resourceDirectory + "/Resources/openapi.json"
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}
