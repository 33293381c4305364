import Foundation
import Prometheus
import Vapor

/// Counts requests and records their latency by route pattern, method and status for `/metrics`.
struct MetricsMiddleware: Middleware {
    let registry: PrometheusCollectorRegistry

    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        let registry = registry
        return next.respond(to: req).map { response in
            // The route pattern, not the raw path, so label values stay few (ids do not create new series).
            let route = req.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
            let labels = [("method", req.method.rawValue), ("route", route), ("status", String(response.status.code))]
            registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
            registry.makeDurationHistogram(descriptor: Self.latency, labels: labels, buckets: Self.buckets)
                .record(ContinuousClock.now - start)
            return response
        }
    }

    static var requests: MetricNameDescriptor {
         MetricNameDescriptor(namespace: "kechuang", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests by method, route pattern and status")
    }
    static var latency: MetricNameDescriptor {
         MetricNameDescriptor(namespace: "kechuang", metricName: "http_request_duration", unitName: "seconds",
                                              helpText: "HTTP request latency by method, route pattern and status")
    }
}
