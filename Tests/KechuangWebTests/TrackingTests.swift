import Fluent
import Foundation
import KechuangCore
import KechuangStore
@testable import KechuangWeb
import Testing
import VaporTesting

@Suite("Implementation tracking of the 30 articles")
struct TrackingTests {
    @Test("Department staff land on their own tasks; they report with evidence; the matrix and XLSX show it")
    func reportFlow() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.get("/login")
            let login = try await b.post("/login", ["username": "reviewer", "password": demoPassword, "next": "/"])
            #expect(login.headers.first(name: .location) == "/tracking/mine")
            let mine = try await b.get("/tracking/mine")
            #expect(mine.body.string.contains("市发展和改革委员会"))
            #expect(!mine.body.string.contains("市委宣传部"))
            try await b.get("/tracking/articles/1")
            // Given a report with an attachment, as multipart
            let boundary = "----tracking"
            var body = Data()
            func part(_ name: String, _ value: String) { body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)) }
            let unit = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == "市发展和改革委员会").first()).id!.uuidString
            part("_csrf", b.csrf!); part("unit", unit); part("status", "in_progress"); part("percent", "40")
            part("text", "已制定统筹推进方案并召开联席会议"); part("date", "2026-11-01")
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence[]\"; filename=\"会议纪要.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 test\r\n--\(boundary)--\r\n".utf8))
            var h = HTTPHeaders()
            h.replaceOrAdd(name: .cookie, value: b.cookie!)
            h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let res = try await app.testing().sendRequest(.POST, "/tracking/articles/1/reports", headers: h, body: ByteBuffer(data: body))
            #expect(res.status == .seeOther)
            let page = try await b.get("/tracking/articles/1")
            #expect(page.body.string.contains("已制定统筹推进方案"))
            #expect(page.body.string.contains("会议纪要.pdf"))
            #expect(try await auditCount(app, action: "progress_report.create") == 1)
            let attachment = try #require(try await ReportAttachmentRecord.query(on: app.db).first())
            let download = try await b.get("/tracking/attachments/\(attachment.id!.uuidString)")
            #expect(download.body.string == "%PDF-1.4 test")
            let xlsx = try await b.get("/tracking/export.xlsx")
            let rows = try XLSXReader.rows(from: Data(xlsx.body.readableBytesView))
            #expect(rows.count == 31)
            #expect(rows[1].contains { $0.contains("推进中 40%") })
            let matrix = try await b.get("/tracking")
            #expect(matrix.body.string.contains("推进中 40%"))
            #expect(matrix.body.string.contains("久未报送"))
        }
    }

    @Test("Bad reports are refused with every field named; nobody reports for a unit that is not theirs")
    func badReports() async throws {
        try await withPlatform { app in
            let b = Browser(app)
            try await b.signIn("reviewer")
            try await b.get("/tracking/articles/1")
            let unit = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == "市发展和改革委员会").first()).id!.uuidString
            let bad = try await b.post("/tracking/articles/1/reports", ["unit": unit, "status": "completed", "percent": "50", "text": "x", "date": "2099-01-01"])
            #expect(bad.status == .unprocessableEntity)
            let html = bad.body.string
            #expect(html.contains("状态为已完成时比例应为100") && html.contains("日期不能晚于今天") && html.contains("至少需要 5 个字符"))
            let other = try #require(try await OrganizationRecord.query(on: app.db).filter(\.$name == "市财政局").first()).id!.uuidString
            try await b.get("/tracking/articles/1")
            let notMine = try await b.post("/tracking/articles/1/reports", ["unit": other, "status": "in_progress", "percent": "10", "text": "代报进展情况", "date": "2026-11-01"])
            #expect(notMine.status == .unprocessableEntity)
            #expect(try await ProgressReportRecord.query(on: app.db).count() == 0)
        }
    }

    @Test("Overdue and stale follow the documented rule")
    func rule() {
        let today = Day("2028-03-01")!
        let s = TaskState.assess(latest: (.inProgress, 60, Day("2027-12-20")!), due: Day("2027-12-31")!, today: today)
        #expect(s.overdue && !s.stale)
        let done = TaskState.assess(latest: (.completed, 100, Day("2026-01-01")!), due: Day("2027-12-31")!, today: today)
        #expect(!done.overdue && !done.stale)
        let never = TaskState.assess(latest: nil, due: Day("2027-12-31")!, today: Day("2026-06-01")!)
        #expect(never.stale && !never.overdue && never.status == .notStarted)
        #expect(Day("2026-03-01")!.daysSince(Day("2026-02-01")!) == 28)
    }
}
