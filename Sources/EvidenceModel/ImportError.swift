/// Why an input file could not be read: the file, where in it, and what was expected.
///
/// Every reader uses it: the scenario folder's, `validate`'s and `compare`'s. The description reads like a compiler
/// diagnostic and stands alone on one line:
/// `accounts/111122223333/us-east-1/backup-plans/daily.json: $.BackupPlan.Rules[0].StartWindowMinutes: expected an integer, found a string`.
public struct ImportError: Error, Hashable, CustomStringConvertible {
    /// The file, relative to the scenario folder when it is inside one.
    public var file: String
    /// A JSON path such as `$.BackupPlan.Rules[0]`, or `line:column` for syntax errors; empty for the whole file.
    public var location: String
    public var message: String

    public init(file: String, location: String = "", message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        location.isEmpty ? "\(file): \(message)" : "\(file): \(location): \(message)"
    }
}
