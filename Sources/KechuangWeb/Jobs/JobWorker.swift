import Foundation
import KechuangCore
import KechuangStore
import NIOConcurrencyHelpers
import Vapor

/// Claims queued jobs from the database and runs them, one at a time per server process.
final class JobWorker: LifecycleHandler, Sendable {
    let id = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBootAsync(_ app: Application) async throws {
        let worker = self
        task.withLockedValue { $0 = Task { await worker.loop(app) } }
    }

    func shutdownAsync(_ app: Application) async {
        let t = task.withLockedValue { $0 }
        t?.cancel()
        await t?.value
    }

    func loop(_ app: Application) async {
        var lastSweep = Date.distantPast
        while !Task.isCancelled {
            let ran = await Self.runNext(app, worker: id)
            // Lapsed waiting-list offers pass to the next in line within a minute even when nothing else changes.
            if WallClock.now.timeIntervalSince(lastSweep) >= 60 {
                lastSweep = WallClock.now
                do { try await WaitlistStore(db: app.db).sweep(now: app.services.clock.now) } catch { app.logger.warning("waiting-list sweep failed: \(error)") }
            }
            if !ran { try? await Task.sleep(for: .seconds(1)) }
        }
    }

    /// Runs one queued job if there is one; tests call this directly instead of starting the loop.
    @discardableResult
    static func runNext(_ app: Application, worker: String = "inline") async -> Bool {
        let store = JobStore(db: app.db)
        guard let job = try? await store.claim(worker: worker) else { return false }
        do {
            switch job.kind {
            case PolicyRunJob.kind: try await PolicyRunJob.run(job, db: app.db, rules: try app.services.rules.require())
            case LadderRunJob.kind: try await LadderRunJob.run(job, db: app.db, rules: try app.services.rules.require(),
                                                               today: Day(ChinaTime.dateString(app.services.clock.now))!)
            default: throw DomainError(.invalidInput, code: "job.unknown_kind", arguments: ["kind": job.kind])
            }
        } catch {
            app.logger.error("job failed", metadata: ["job": .string(job.id?.uuidString ?? ""), "error": .string(String(reflecting: error))])
            try? await store.fail(job, error: String(describing: error))
        }
        return true
    }
}
