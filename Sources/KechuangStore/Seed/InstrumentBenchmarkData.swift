import FluentKit
import Foundation
import KechuangCore
import SQLKit

/// Synthetic registry for the instrument benchmark: realistic Chinese names, specifications and fields, and
/// bookings that never overlap (so the PostgreSQL exclusion constraint accepts them), written in batches.
public enum InstrumentBenchmarkData {
    static let kinds: [(name: String, code: String, functions: String)] = [
        ("扫描电子显微镜", "030302", "表面形貌观察、微区成分分析、断口分析"), ("透射电子显微镜", "030301", "晶体结构与缺陷观察、原子级成像、选区电子衍射"),
        ("X射线衍射仪", "030201", "物相定性定量分析、晶胞参数精修、残余应力测定"), ("X射线光电子能谱仪", "030204", "表面元素组成与化学态分析、深度剖析"),
        ("气相色谱-质谱联用仪", "030401", "挥发性有机物定性定量、煤化工产品组分分析"), ("液相色谱-质谱联用仪", "030402", "药物代谢物、农残兽残、天然产物分析"),
        ("电感耦合等离子体质谱仪", "030403", "痕量元素与同位素分析、稀土元素测定"), ("核磁共振波谱仪", "030501", "有机分子结构解析、固体核磁、扩散排序谱"),
        ("傅里叶变换红外光谱仪", "030601", "官能团鉴定、原位反应红外、显微红外成像"), ("激光拉曼光谱仪", "030602", "分子振动光谱、碳材料缺陷表征、原位拉曼"),
        ("热重分析仪", "030701", "热稳定性、分解温度、组分含量测定"), ("差示扫描量热仪", "030702", "熔点、玻璃化转变、反应热测定"),
        ("比表面积及孔径分析仪", "030801", "BET比表面积、孔径分布、化学吸附"), ("原子力显微镜", "030303", "纳米形貌、表面粗糙度、力学与电学性质成像"),
        ("激光共聚焦显微镜", "030304", "三维荧光成像、活细胞动态观察"), ("流式细胞仪", "031001", "细胞表型分析、细胞分选、细胞周期检测"),
        ("高通量测序仪", "031002", "全基因组测序、转录组测序、宏基因组分析"), ("三坐标测量机", "040101", "几何尺寸与形位公差精密测量、逆向建模"),
        ("万能材料试验机", "040201", "拉伸、压缩、弯曲力学性能测试"), ("电化学工作站", "030901", "循环伏安、交流阻抗、电池充放电测试"),
        ("燃料电池测试系统", "040301", "单电池与电堆极化曲线、耐久性测试"), ("煤质全自动工业分析仪", "030404", "水分、灰分、挥发分、固定碳测定"),
        ("元素分析仪", "030405", "碳氢氮硫氧元素含量测定"), ("动态力学分析仪", "030703", "储能模量、损耗因子、蠕变与应力松弛"),
    ]
    static let prefixes = ["", "高分辨", "全自动", "场发射", "台式", "超高效", "智能", "多功能", "高通量", "原位"]
    static let makers = [("Bruker", "德国"), ("ZEISS", "德国"), ("Thermo Fisher", "美国"), ("Agilent", "美国"), ("Shimadzu", "日本"), ("JEOL", "日本"),
                         ("Hitachi", "日本"), ("Malvern Panalytical", "英国"), ("聚光科技", "中国"), ("天美", "中国"), ("国仪量子", "中国"), ("舜宇", "中国")]
    static let fields = ["新材料", "氢能", "储能与新型电力系统", "现代煤化工", "稀土功能材料", "生物制造", "环境监测", "CCUS", "绒纺", "农牧业", "荒漠化防治", "新能源"]

    static func b(_ value: some Encodable & Sendable) -> any SQLExpression { SQLBind(value) }

    /// Writes `instruments` instruments owned round-robin by the institutions, and `bookings` bookings spread over
    /// them, day by day around `now`. Calls `progress` with rows written so far.
    public static func generate(on db: any Database, instruments count: Int, bookings: Int, now: Date = Date(),
                                progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws {
        let owners = try await OrganizationRecord.query(on: db).filter(\.$kindRaw == OrganizationKind.institution.rawValue).all().map { $0.id! }
        let users = try await UserRecord.query(on: db).all().map { $0.id! }
        guard !owners.isEmpty, !users.isEmpty else { throw DomainError(.invalidInput, code: "bench.no_demo_data") }
        let sql = try StoreSQL.sql(db)
        var seed: UInt64 = 20_261_128
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var ids: [UUID] = []
        let created = now
        for start in stride(from: 0, to: count, by: 500) {
            var rows: [[any SQLExpression]] = []
            for k in start..<min(count, start + 500) {
                let kind = kinds[next(kinds.count)], maker = makers[next(makers.count)]
                let name = prefixes[next(prefixes.count)] + kind.name
                let field = fields[next(fields.count)] + "、" + fields[next(fields.count)]
                let id = UUID()
                ids.append(id)
                let value = Int64(300_000 + next(5_000_000)) * 100
                let fee = Int64(100 + next(900)) * 100
                let row: [any SQLExpression] = [
                    b(id),
                    b(owners[k % owners.count]),
                    b(name),
                    b("\(maker.0.prefix(3).uppercased())-\(1000 + next(9000))"),
                    b(maker.0),
                    b(kind.code),
                    b(value),
                    b("1"),
                    b(Banner.allCases[next(Banner.allCases.count)].code),
                    b("active"),
                    b(60),
                    b(fee / 2),
                    b(fee),
                    b((1...5).map { "\($0):510-1050" }.joined(separator: ",")),
                    b(30),
                    b(480),
                    b(0),
                    b(180),
                    b(false),
                    b(created),
                    b(maker.1),
                    b("BENCH-\(k)"),
                    b("local_fiscal"),
                    b("2022-06-01"),
                    b("实验楼\(100 + next(400))"),
                    b("关键指标：分辨率与灵敏度优于同类设备\(next(30))%"),
                    b(kind.functions),
                    b(field),
                    b(""),
                    b("on_site,sample_delivery"),
                    b("平台机组"),
                    b("0477-8888888"),
                    b("external"),
                    b(""),
                    b(24),
                    b(created)]
                rows.append(row)
            }
            let ins = sql.insert(into: "instruments").columns(["id", "organization_id", "name", "model", "manufacturer", "class_code", "original_value_fen",
                                                              "fiscal_share", "banner_code", "status", "fee_unit_minutes", "fee_internal_fen", "fee_external_fen",
                                                              "opening_hours", "min_minutes", "max_minutes", "buffer_minutes", "max_days_ahead", "approval_required",
                                                              "created_at", "country", "asset_number", "funding_source", "purchase_date", "location",
                                                              "specifications", "functions", "application_fields", "sample_requirements", "service_modes",
                                                              "contact_name", "contact_phone", "share_mode", "qualification", "cancel_hours", "updated_at"])
            for r in rows { ins.values(r) }
            try await ins.run()
            progress("instruments", min(count, start + 500))
        }
        // Bookings: per instrument, consecutive weekdays around today, one to three hours from 09:00 Beijing time.
        let perInstrument = max(1, bookings / max(1, ids.count))
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = ChinaTime.zone
        let today = cal.startOfDay(for: now)
        var days: [Date] = []
        var d = cal.date(byAdding: .day, value: -Int(Double(perInstrument) * 0.7), to: today)!
        while days.count < perInstrument {
            if !cal.isDateInWeekend(d) { days.append(d) }
            d = cal.date(byAdding: .day, value: 1, to: d)!
        }
        var written = 0
        var batch: [[any SQLExpression]] = []
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let ins = sql.insert(into: "bookings").columns(["id", "instrument_id", "user_id", "start_at", "end_at", "blocked_until", "status", "fee_fen",
                                                           "created_at", "external", "unit_minutes", "unit_fen", "note", "decision_note", "updated_at"])
            for r in batch { ins.values(r) }
            try await ins.run()
            written += batch.count
            batch.removeAll(keepingCapacity: true)
            if written % 50_000 < 500 { progress("bookings", written) }
        }
        for id in ids {
            for day in days where written + batch.count < bookings {
                let start = day.addingTimeInterval(TimeInterval(9 * 3600 + next(4) * 1800))
                let end = start.addingTimeInterval(TimeInterval((1 + next(3)) * 3600))
                let row: [any SQLExpression] = [
                    b(UUID()),
                    b(id),
                    b(users[next(users.count)]),
                    b(start),
                    b(end),
                    b(end),
                    b(end < now ? "completed" : "confirmed"),
                    b(Int64(40_000)),
                    b(created),
                    b(true),
                    b(60),
                    b(Int64(20_000)),
                    b(""),
                    b(""),
                    b(created)]
                batch.append(row)
                if batch.count == 500 { try await flush() }
            }
        }
        try await flush()
        progress("bookings", written)
    }
}

extension InstrumentBenchmarkData {
    /// Booking decisions measured in process, without HTTP: `tasks` concurrent clients ask for random one-to-two
    /// hour slots on five instruments (most requests collide) through `BookingStore.book`, the code behind the API.
    /// Returns one line with decisions per second, p50/p95/p99 in ms and the outcome counts.
    public static func measureDecisions(on db: any Database, tasks: Int, decisions: Int, dayOffset: Int, now: Date = Date()) async throws -> String {
        let hot = try await InstrumentRecord.query(on: db).filter(\.$assetNumber ~~ (0..<5).map { "BENCH-\($0)" }).all()
        guard hot.count == 5, let user = try await UserRecord.query(on: db).first()?.id else { throw DomainError(.invalidInput, code: "bench.no_demo_data") }
        let store = BookingStore(db: db)
        let days = (dayOffset..<(dayOffset + 21)).map { ChinaTime.startOfDay(now).addingTimeInterval(TimeInterval($0 * 86400)) }.filter { ChinaTime.weekday($0) <= 5 }
        let clock = ContinuousClock()
        let started = clock.now
        let results = try await withThrowingTaskGroup(of: [(Double, Int)].self) { group in
            for t in 0..<tasks {
                group.addTask {
                    var seed = UInt64(t + 1) &* 0x9E37_79B9_7F4A_7C15
                    func next(_ n: Int) -> Int {
                        seed = seed &* 6364136223846793005 &+ 1442695040888963407
                        return Int((seed >> 33) % UInt64(n))
                    }
                    var out: [(Double, Int)] = []
                    for _ in 0..<(decisions / tasks) {
                        let start = days[next(days.count)].addingTimeInterval(TimeInterval(9 * 3600 + next(14) * 1800))
                        let slot = TimeSlot(start: start, end: start.addingTimeInterval(TimeInterval((2 + next(3)) * 1800)))
                        let t0 = clock.now
                        let outcome = try await store.book(instrument: hot[next(hot.count)], userID: user, slot: slot, external: true, idempotencyKey: nil,
                                                       actor: Actor(userID: user, name: "bench", address: "cli"))
                        let ms = Double((clock.now - t0).components.attoseconds) / 1e15 + Double((clock.now - t0).components.seconds) * 1000
                        if case .created = outcome { out.append((ms, 201)) } else { out.append((ms, 409)) }
                    }
                    return out
                }
            }
            var all: [(Double, Int)] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let lat = results.map(\.0).sorted()
        func p(_ q: Double) -> String { String(format: "%.2f", lat[min(lat.count - 1, Int(q * Double(lat.count - 1)))]) }
        let created = results.filter { $0.1 == 201 }.count
        return "decisions: n=\(lat.count) tasks=\(tasks) \(Int(Double(lat.count) / seconds))/s p50=\(p(0.5))ms p95=\(p(0.95))ms p99=\(p(0.99))ms created=\(created) conflicts=\(lat.count - created)"
    }
}
