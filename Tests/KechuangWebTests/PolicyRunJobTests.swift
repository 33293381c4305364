import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("免申即享 batch run over the database")
struct PolicyRunJobTests {
    @Test("A run is queued, claimed, reports progress, and leaves CSV, XLSX and the list to notify")
    func run() async throws {
        try await withPlatform { app in
            // Given two enterprises with data for 2024
            let orgs = try await OrganizationRecord.query(on: app.db).filter(\.$kindRaw == "enterprise").sort(\.$name).range(0..<2).all()
            let store = EntityDataStore(db: app.db)
            try await store.save(organizationID: orgs[0].id!, year: 2024, values: ["rd_expense": "2000000", "newly_recognized_hte": "true"],
                                 source: "市税务局", verified: true, actor: .system)
            try await store.save(organizationID: orgs[0].id!, year: 2023, values: ["rd_expense": "1000000"], source: "市税务局", verified: true, actor: .system)
            try await store.save(organizationID: orgs[1].id!, year: 2024, values: ["rd_expense": "10"], source: "市税务局", verified: true, actor: .system)
            let admin = Browser(app)
            try await admin.signIn("admin")
            try await admin.get("/admin/policy/runs")
            // When an admin starts a run
            let bad = try await admin.post("/admin/policy/runs", ["entity": "banner", "year": "1900", "date": "x"])
            #expect(bad.status == .unprocessableEntity)
            let started = try await admin.post("/admin/policy/runs", ["entity": "enterprise", "year": "2024", "date": "2025-06-30"])
            #expect(started.status == .seeOther)
            let location = try #require(started.headers.first(name: .location))
            let queued = try await admin.get(location)
            #expect(queued.body.string.contains("排队中"))
            #expect(queued.body.string.contains("http-equiv=\"refresh\""))
            #expect(await JobWorker.runNext(app))
            #expect(!(await JobWorker.runNext(app)))
            // Then the page shows it done, with totals and the list to notify
            let done = try await admin.get(location)
            #expect(done.body.string.contains("已完成"))
            #expect(done.body.string.contains(orgs[0].name))
            let job = try #require(try await JobRecord.query(on: app.db).first())
            #expect(job.processed == 36 && job.total == 36)
            let csv = try await admin.get(location + "/files/results.csv")
            #expect(csv.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let text = csv.body.string
            #expect(text.contains("rd_post_subsidy"))
            #expect(text.contains("\(orgs[0].name),\(orgs[0].creditCode!),康巴什区") || text.contains(orgs[0].name))
            #expect(text.contains(",400000.00,"))
            let xlsx = try await admin.get(location + "/files/results.xlsx")
            let rows = try XLSXReader.rows(from: Data(xlsx.body.readableBytesView))
            #expect(rows.count == 37)
            #expect(rows[0].contains("rd_post_subsidy"))
            #expect(rows.contains { $0.contains(orgs[0].name) && $0.contains("400000.00") })
            let status = try await json(app, .GET, "/api/v1/jobs/\(job.id!.uuidString)", token: try await apiToken(app, "admin"))
            #expect(status.body.string.contains("\"percent\":100"))
        }
    }
}

@Suite("What-if over the database")
struct WhatIfTests {
    @Test("Raising the R&D subsidy rate shows the cost before and after, per banner, and who gains")
    func whatIf() async throws {
        try await withPlatform { app in
            let org = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$kindRaw == "enterprise").sort(\.$name).first())
            let store = EntityDataStore(db: app.db)
            // 2022/2021: years the demo data (2023–2025) leaves empty, so this firm is the only one in the totals.
            try await store.save(organizationID: org.id!, year: 2022, values: ["rd_expense": "2000000"], source: "市税务局", verified: true, actor: .system)
            try await store.save(organizationID: org.id!, year: 2021, values: ["rd_expense": "2000000"], source: "市税务局", verified: true, actor: .system)
            let b = Browser(app)
            try await b.signIn("reviewer")
            let res = try await b.get("/admin/policy/whatif?run=1&entity=enterprise&year=2022&date=2025-06-30&p.rd_subsidy.base_rate=0.12")
            #expect(res.status == .ok)
            let html = res.body.string
            #expect(html.contains("¥200,000.00"))
            #expect(html.contains("¥240,000.00"))
            #expect(html.contains(org.name))
            let bad = try await b.get("/admin/policy/whatif?run=1&entity=enterprise&p.rd_subsidy.cap=lots")
            #expect(bad.body.string.contains("类型错误"))
        }
    }
}
