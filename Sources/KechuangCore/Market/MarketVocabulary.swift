import Foundation

/// The priority fields of arts. 3 and 9, used to file achievements, demands, challenges and contracts.
public enum PriorityField: String, CaseIterable, Sendable {
    case hydrogen, energyStorage = "energy_storage", newChemicalMaterials = "new_chemical_materials", newEnergy = "new_energy"
    case ai, lowAltitude = "low_altitude", modernEquipment = "modern_equipment", biomanufacturing, digitalEconomy = "digital_economy"
    case connectedVehicles = "connected_vehicles", cashmere, agriculture, ecology, ccus, modernCoalChemical = "modern_coal_chemical"
    case rareEarth = "rare_earth", other
}

/// How an achievement may change hands (转让, 许可, 作价入股, 合作开发, 技术服务).
public enum CooperationMode: String, CaseIterable, Sendable {
    case transfer, license, equity, jointDevelopment = "joint_development", technicalService = "technical_service"
}

public enum PatentStatus: String, CaseIterable, Sendable {
    case applied, granted, lapsed
}

/// How much of a demand the public sees: everything, the summary only (details to signed-in matched parties), or
/// nothing outside the staff and brokers.
public enum Confidentiality: String, CaseIterable, Sendable {
    case `public`, summary, confidential
}

/// The five statistical types of technology contract.
public enum ContractType: String, CaseIterable, Sendable {
    case development, transfer, license, consulting, service
}

/// Where a listing (achievement or demand) is in its life.
public enum ListingStatus: String, CaseIterable, Sendable {
    case draft, submitted, published, rejected, withdrawn, closed
}

/// A patent of an achievement: "ZL202310001234.5:granted".
public struct Patent: Sendable, Equatable {
    public let number: String
    public let status: PatentStatus

    public init(number: String, status: PatentStatus) {
        self.number = number
        self.status = status
    }

    /// "ZL202310001234.5:granted; CN116000000A:applied"; patent numbers are CN application or grant numbers.
    public static func parseList(_ text: String, field: String, into v: inout Validator) -> [Patent] {
        var out: [Patent] = []
        let parts = text.replacingOccurrences(of: "；", with: ";").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if parts.count > 50 { v.add(.invalid(field, "market.too_many_patents", ["max": "50"])); return [] }
        for p in parts {
            let kv = p.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let number = kv[0].uppercased()
            guard number.count >= 8, number.count <= 24, number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }),
                  let status = PatentStatus(rawValue: kv.count == 2 ? kv[1] : "granted") else {
                v.add(.invalid(field, "market.patent", ["value": String(p.prefix(40))]))
                return []
            }
            out.append(Patent(number: number, status: status))
        }
        return out
    }

    public static func format(_ list: [Patent]) -> String { list.map { "\($0.number):\($0.status.rawValue)" }.joined(separator: "; ") }
}
