import Foundation
import Logging

/// One JSON object per log line (time, level, label, message, metadata), for log collectors.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [
            "time": ISO8601DateFormatter().string(from: WallClock.now),
            "level": event.level.rawValue,
            "label": label,
            "message": event.message.description,
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (k, v) in merged { object[k] = v.description }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}

extension KechuangApp {
    /// Once per process, before any logger is made.
    public static func bootstrapLogging(format: String, level: String) {
        let lvl = Logger.Level(rawValue: level) ?? .info
        if format == "json" {
            LoggingSystem.bootstrap { JSONLogHandler(label: $0, logLevel: lvl) }
        } else {
            LoggingSystem.bootstrap { label in
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = lvl
                return h
            }
        }
    }
}
