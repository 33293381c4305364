import Foundation

/// Dictionary-free Chinese tokenising: runs of Han characters become overlapping character bigrams (a lone
/// character stays a unigram), runs of Latin letters and digits become lower-cased words. "场发射扫描电镜 SEM"
/// → 场发 发射 射扫 扫描 描电 电镜 sem.
public enum Bigrams {
    public static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var han: [Character] = []
        var word = ""
        func flushHan() {
            if han.count == 1 { out.append(String(han[0])) }
            else if han.count > 1 { for k in 0..<(han.count - 1) { out.append(String(han[k]) + String(han[k + 1])) } }
            han.removeAll(keepingCapacity: true)
        }
        func flushWord() {
            if !word.isEmpty { out.append(word); word = "" }
        }
        for ch in text {
            if isHan(ch) { flushWord(); han.append(ch) }
            else if ch.isASCII && (ch.isLetter || ch.isNumber) { flushHan(); word.append(Character(ch.lowercased())) }
            else { flushHan(); flushWord() }
        }
        flushHan()
        flushWord()
        return out
    }

    static func isHan(_ ch: Character) -> Bool {
        guard let s = ch.unicodeScalars.first else { return false }
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0xF900...0xFAFF: return true
        default: return false
        }
    }
}
