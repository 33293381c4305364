import Foundation

/// The nine banners and districts (旗区) of Ordos, with their administrative division codes (GB/T 2260).
public enum Banner: String, CaseIterable, Codable, Sendable {
    case dongsheng = "150602"
    case kangbashi = "150603"
    case dalad = "150621"
    case jungar = "150622"
    case otogFront = "150623"
    case otog = "150624"
    case hanggin = "150625"
    case uxin = "150626"
    case ejinHoro = "150627"

    public var nameZh: String {
        switch self {
        case .dongsheng: "东胜区"
        case .kangbashi: "康巴什区"
        case .dalad: "达拉特旗"
        case .jungar: "准格尔旗"
        case .otogFront: "鄂托克前旗"
        case .otog: "鄂托克旗"
        case .hanggin: "杭锦旗"
        case .uxin: "乌审旗"
        case .ejinHoro: "伊金霍洛旗"
        }
    }

    public var nameEn: String {
        switch self {
        case .dongsheng: "Dongsheng District"
        case .kangbashi: "Kangbashi District"
        case .dalad: "Dalad Banner"
        case .jungar: "Jungar Banner"
        case .otogFront: "Otog Front Banner"
        case .otog: "Otog Banner"
        case .hanggin: "Hanggin Banner"
        case .uxin: "Uxin Banner"
        case .ejinHoro: "Ejin Horo Banner"
        }
    }

    public var code: String { rawValue }

    /// Accepts the code or the Chinese name, so imports can use either.
    public init?(codeOrName: String) {
        let s = codeOrName.trimmingCharacters(in: .whitespaces)
        if let b = Banner(rawValue: s) { self = b; return }
        guard let b = Banner.allCases.first(where: { $0.nameZh == s }) else { return nil }
        self = b
    }
}
