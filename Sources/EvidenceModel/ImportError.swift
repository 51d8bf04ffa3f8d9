/// Why an input file could not be read: where (an ``InputLocation``) and what was expected.
///
/// Every reader uses it: the scenario folder's, `validate`'s and `compare`'s. The description reads like a compiler
/// diagnostic and stands alone on one line:
/// `accounts/111122223333/us-east-1/backup-plans/daily.json: $.BackupPlan.Rules[0].StartWindowMinutes: expected an integer, found a string`.
public struct ImportError: Error, Hashable, CustomStringConvertible {
    /// The file and the place in it.
    public var inputLocation: InputLocation
    public var message: String

    public init(_ location: InputLocation, message: String) {
        self.inputLocation = location
        self.message = message
    }

    /// An error at `location` in `file`: a JSON path such as `$.BackupPlan.Rules[0]`, `line:column` for syntax
    /// errors, or empty for the whole file.
    public init(file: String, location: String = "", message: String) {
        self.init(InputLocation(file: file, position: location), message: message)
    }

    /// The file, relative to the scenario folder when it is inside one.
    public var file: String {
        get { inputLocation.file }
        set { inputLocation.file = newValue }
    }

    /// The place in the file in its printed form: a JSON path, `line:column`, or empty for the whole file.
    public var location: String {
        get { inputLocation.positionText }
        set { inputLocation = InputLocation(file: inputLocation.file, position: newValue) }
    }

    public var description: String { "\(inputLocation): \(message)" }
}
