import Foundation

/// A profile as a form or JSON body sends it, before checking. Awards and projects come one per line,
/// fields separated by "|" (the form shows the order), so a talent can paste them from a CV.
public struct TalentProfileDraft: Sendable {
    public var name: String?
    public var idNumber: String?
    public var phone: String?
    public var family: String?
    public var field: String?
    public var employment: String?
    public var arrivalDate: String?
    public var degree: String?
    public var titleLevel: String?
    public var titles: String?
    public var honours: [String]
    public var awards: String?
    public var projects: String?

    public init(name: String?, idNumber: String?, phone: String?, family: String?, field: String?, employment: String?, arrivalDate: String?,
                degree: String?, titleLevel: String?, titles: String?, honours: [String], awards: String?, projects: String?) {
        self.name = name
        self.idNumber = idNumber
        self.phone = phone
        self.family = family
        self.field = field
        self.employment = employment
        self.arrivalDate = arrivalDate
        self.degree = degree
        self.titleLevel = titleLevel
        self.titles = titles
        self.honours = honours
        self.awards = awards
        self.projects = projects
    }

    public struct Checked: Sendable {
        public let profile: TalentProfile
        public let personal: TalentPersonalData
    }

    /// Every field checked at once; `today` bounds the arrival date and award years.
    public func validate(today: Day) throws(ValidationErrors) -> Checked {
        var v = Validator()
        let name = v.text("name", name, max: 60)
        var id: String?
        switch ResidentID.validate(idNumber ?? "") {
        case .success(let s): id = s
        case .failure(let e): v.add(e)
        }
        let phone = v.text("phone", phone, min: 7, max: 20)
        if let p = phone, !p.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }) { v.add(.invalid("phone", "talent.phone_format")) }
        let family = v.text("family", family, max: 500, required: false) ?? ""
        let field = v.text("field", field, max: 60)
        let employment = v.choice("employment", employment, as: TalentEmployment.self)
        let arrival = v.day("arrival_date", arrivalDate)
        if let a = arrival, a > today { v.add(.invalid("arrival_date", "talent.arrival_future")) }
        let degree = v.choice("degree", degree, as: TalentDegree.self)
        let title = v.choice("title_level", titleLevel, as: TalentTitleLevel.self)
        let titles = v.text("titles", titles, max: 300, required: false) ?? ""
        var honourList: [TalentHonour] = []
        for raw in self.honours {
            guard let h = TalentHonour(rawValue: raw) else { v.add(.invalid("honours", "field.not_allowed", ["value": String(raw.prefix(40))])); continue }
            if !honourList.contains(h) { honourList.append(h) }
        }
        let awards = Self.awards(awards ?? "", today: today, into: &v)
        let projects = Self.projects(projects ?? "", today: today, into: &v)
        let birth = id.flatMap(ResidentID.birthDate)
        if let b = birth, today.year - b.year < 16 { v.add(.invalid("id_number", "talent.too_young")) }
        try v.throwIfAny()
        return Checked(profile: TalentProfile(name: name!, birthYear: birth!.year, field: field!, employment: employment!, arrivalDate: arrival!,
                                              degree: degree!, titleLevel: title!, titles: titles, honours: honourList, awards: awards,
                                              projects: projects),
                       personal: TalentPersonalData(idNumber: id!, phone: phone!, family: family))
    }

    static func lines(_ text: String) -> [(Int, [String])] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { i, line in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : (i + 1, t.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) })
        }
    }

    /// "name | national or region | grade 1–3 | rank | year | personal prize in yuan (optional)".
    static func awards(_ text: String, today: Day, into v: inout Validator) -> [TalentAward] {
        var out: [TalentAward] = []
        for (n, f) in lines(text) {
            guard f.count == 5 || f.count == 6, !f[0].isEmpty, f[0].count <= 100, let level = TalentAward.Level(rawValue: f[1]),
                  let grade = Int(f[2]), (1...3).contains(grade), let rank = Int(f[3]), (1...50).contains(rank),
                  let year = Int(f[4]), (1950...today.year).contains(year) else {
                v.add(.invalid("awards", "talent.award_line", ["line": String(n)]))
                continue
            }
            var prize: Int64?
            if f.count == 6, !f[5].isEmpty {
                guard let m = Money(yuanString: f[5]), m.fen >= 0 else { v.add(.invalid("awards", "talent.award_line", ["line": String(n)])); continue }
                prize = m.fen
            }
            out.append(TalentAward(name: f[0], level: level, grade: grade, rank: rank, year: year, prizeFen: prize))
        }
        if out.count > 30 { v.add(.invalid("awards", "field.too_long", ["max": "30"])) }
        return out
    }

    /// "name | level | role | year".
    static func projects(_ text: String, today: Day, into v: inout Validator) -> [TalentProject] {
        var out: [TalentProject] = []
        for (n, f) in lines(text) {
            guard f.count == 4, !f[0].isEmpty, f[0].count <= 100, !f[1].isEmpty, f[1].count <= 30, !f[2].isEmpty, f[2].count <= 30,
                  let year = Int(f[3]), (1950...today.year + 5).contains(year) else {
                v.add(.invalid("projects", "talent.project_line", ["line": String(n)]))
                continue
            }
            out.append(TalentProject(name: f[0], level: f[1], role: f[2], year: year))
        }
        if out.count > 50 { v.add(.invalid("projects", "field.too_long", ["max": "50"])) }
        return out
    }
}

extension TalentProfile {
    /// The profile's awards and projects back in the form's line format.
    public var awardLines: String {
        awards.map { a in
            [a.name, a.level.rawValue, String(a.grade), String(a.rank), String(a.year)].joined(separator: " | ")
                + (a.prizeFen.map { " | " + Money(fen: $0).plainYuan } ?? "")
        }.joined(separator: "\n")
    }

    public var projectLines: String {
        projects.map { [$0.name, $0.level, $0.role, String($0.year)].joined(separator: " | ") }.joined(separator: "\n")
    }
}
