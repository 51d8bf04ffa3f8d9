internal import CEvidenceSQLite

/// A failed SQLite call: the result code, SQLite's message and the statement that failed.
public struct SQLiteError: Error, Hashable, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var sql: String

    public init(code: Int32, message: String, sql: String) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var description: String { "SQLite error \(code): \(message) (while running `\(sql)`)" }
}

/// A value bound to or read from a SQLite statement.
public enum SQLiteValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// One SQLite database connection; it owns the C handle and closes it when released.
///
/// A connection is used from one task at a time (it is not `Sendable`), so it is opened without SQLite's own
/// mutexes (`SQLITE_OPEN_NOMUTEX`).
public final class SQLiteConnection {
    private let handle: OpaquePointer

    /// Whether an error code says the database file is damaged or not a database at all (rather than that a
    /// statement is wrong).
    public static func isDamage(_ code: Int32) -> Bool {
        let primary = code & 0xff
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_IOERR
            || primary == SQLITE_CANTOPEN || primary == SQLITE_FORMAT
    }

    /// Opens (or creates) the database at `path`; `":memory:"` gives a private in-memory database.
    ///
    /// With `immutable`, the file is opened read-only as a file no process changes while it is open (SQLite's
    /// `immutable=1`: no locks, no journal), for files that are only ever replaced whole by a rename.
    public init(path: String, immutable: Bool = false) throws(SQLiteError) {
        var db: OpaquePointer?
        let code =
            immutable
            ? sqlite3_open_v2(
                SQLiteConnection.immutableURI(path),
                &db,
                SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                nil
            )
            : sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: code, message: message, sql: "open \(path)")
        }
        handle = db
    }

    deinit { sqlite3_close_v2(handle) }

    /// A `file:` URI with `immutable=1` for a path, its reserved bytes percent-encoded.
    static func immutableURI(_ path: String) -> String {
        var out = "file:"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"):
                let digits = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
            default:
                out += String(decoding: [byte], as: UTF8.self)
            }
        }
        return out + "?immutable=1"
    }

    /// Runs one statement with its parameters and returns every result row.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        try prepare(sql).run(parameters)
    }

    /// Compiles a statement once, to be run many times (an insert per row, for one).
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil), sql: sql)
        guard let statement else { throw SQLiteError(code: SQLITE_MISUSE, message: "empty statement", sql: sql) }
        return SQLiteStatement(connection: self, handle: statement, sql: sql)
    }

    /// Runs one statement and returns its column names with every result row.
    public func query(_ sql: String) throws(SQLiteError) -> (columns: [String], rows: [[SQLiteValue]]) {
        let statement = try prepare(sql)
        return (statement.columnNames, try statement.run())
    }

    /// The SQLite library's version string, such as `3.40.1`.
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    fileprivate func check(_ code: Int32, sql: String) throws(SQLiteError) {
        guard code == SQLITE_OK else { throw lastError(code: code, sql: sql) }
    }

    fileprivate func lastError(code: Int32, sql: String) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}

@available(*, unavailable, message: "A connection holds a C handle; use it from one task only")
extension SQLiteConnection: Sendable {}

/// A compiled statement of one connection; each run binds its parameters, steps to the end and resets.
public final class SQLiteStatement {
    private let connection: SQLiteConnection
    private let handle: OpaquePointer
    private let sql: String

    fileprivate init(connection: SQLiteConnection, handle: OpaquePointer, sql: String) {
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// The names of the result columns.
    public var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    /// Binds text to the 1-based parameter `position`.
    ///
    /// SQLite copies the bytes unless `stable` says they stay valid and unchanged until the next ``step()``.
    public func bind(text: UnsafeRawBufferPointer, at position: Int32, stable: Bool) throws(SQLiteError) {
        guard let base = text.baseAddress, text.count > 0 else {
            try connection.check(sqlite3_bind_text(handle, position, "", 0, cevidence_sqlite_transient()), sql: sql)
            return
        }
        let destructor = stable ? nil : cevidence_sqlite_transient()
        let characters = base.assumingMemoryBound(to: CChar.self)
        try connection.check(sqlite3_bind_text(handle, position, characters, Int32(text.count), destructor), sql: sql)
    }

    /// Binds text to the 1-based parameter `position`.
    public func bind(text: String, at position: Int32) throws(SQLiteError) {
        try connection.check(sqlite3_bind_text(handle, position, text, -1, cevidence_sqlite_transient()), sql: sql)
    }

    /// Binds an integer to the 1-based parameter `position`.
    public func bind(integer: Int64, at position: Int32) throws(SQLiteError) {
        try connection.check(sqlite3_bind_int64(handle, position, integer), sql: sql)
    }

    /// Runs a statement that returns no rows with its current bindings, then resets it (bindings are kept).
    public func step() throws(SQLiteError) {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            let error = connection.lastError(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
        sqlite3_reset(handle)
    }

    /// Runs the statement with `parameters` bound in order and returns every result row.
    @discardableResult
    public func run(_ parameters: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .null: try connection.check(sqlite3_bind_null(handle, position), sql: sql)
            case .integer(let v): try connection.check(sqlite3_bind_int64(handle, position, v), sql: sql)
            case .real(let v): try connection.check(sqlite3_bind_double(handle, position, v), sql: sql)
            case .text(let v):
                try connection.check(
                    sqlite3_bind_text(handle, position, v, -1, cevidence_sqlite_transient()),
                    sql: sql
                )
            }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let step = sqlite3_step(handle)
            switch step {
            case SQLITE_DONE:
                return rows
            case SQLITE_ROW:
                let columns = sqlite3_column_count(handle)
                var row: [SQLiteValue] = []
                row.reserveCapacity(Int(columns))
                for column in 0..<columns {
                    switch sqlite3_column_type(handle, column) {
                    case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(handle, column)))
                    case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(handle, column)))
                    case SQLITE_NULL: row.append(.null)
                    default:
                        let text = sqlite3_column_text(handle, column).map { String(cString: $0) } ?? ""
                        row.append(.text(text))
                    }
                }
                rows.append(row)
            default:
                throw connection.lastError(code: step, sql: sql)
            }
        }
    }
}

@available(*, unavailable, message: "A statement belongs to its connection; use it from one task only")
extension SQLiteStatement: Sendable {}
