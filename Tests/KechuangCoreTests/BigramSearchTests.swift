import Foundation
import KechuangCore
import Testing

@Suite("Chinese bigram search")
struct BigramSearchTests {
    @Test("Han runs become bigrams, Latin runs lower-cased words")
    func tokens() {
        #expect(Bigrams.tokens("场发射扫描电镜 SEM-5000") == ["场发", "发射", "射扫", "扫描", "描电", "电镜", "sem", "5000"])
        #expect(Bigrams.tokens("钢") == ["钢"])
        #expect(Bigrams.tokens("，。！") == [])
    }

    func index() -> BigramIndex<Int> {
        var idx = BigramIndex<Int>()
        idx.upsert(1, fields: [("场发射扫描电子显微镜", 3), ("形貌观察 能谱分析", 1)])
        idx.upsert(2, fields: [("透射电子显微镜", 3), ("原子级成像", 1)])
        idx.upsert(3, fields: [("X射线衍射仪", 3), ("物相分析", 1)])
        idx.upsert(4, fields: [("气相色谱-质谱联用仪", 3), ("有机物分析", 1)])
        return idx
    }

    @Test("Ranked by BM25; a partial phrase still finds the instrument, unrelated ones stay out")
    func ranking() {
        let idx = index()
        let hits = idx.search("扫描电镜").hits
        #expect(hits.first?.id == 1)
        #expect(!hits.contains { $0.id == 3 || $0.id == 4 })
        #expect(idx.search("电子显微镜").hits.prefix(2).map(\.id).sorted() == [1, 2])
        #expect(idx.search("色谱 质谱").hits.first?.id == 4)
        #expect(idx.search("不存在的词语").total == 0)
    }

    @Test("Replacing and removing documents updates the postings")
    func updates() {
        var idx = index()
        idx.upsert(3, fields: [("拉曼光谱仪", 3)])
        #expect(idx.search("衍射").total == 0)
        #expect(idx.search("拉曼").hits.first?.id == 3)
        idx.remove(1)
        #expect(idx.search("扫描电镜").total == 0)
        #expect(idx.count == 3)
        idx.upsert(9, fields: [("扫描电镜", 1)])
        #expect(idx.search("扫描电镜").hits.first?.id == 9)
    }

    @Test("A filter applies before ranking")
    func filtered() {
        #expect(index().search("显微镜", allowed: { $0 == 2 }).hits.map(\.id) == [2])
        let page = index().search("分析", limit: 1)
        #expect(page.total == 3 && page.hits.count == 1)
    }
}
