package import Foundation

/// The Python that runs the tests' oracles and local services (croniter, DuckDB, moto, Spark).
///
/// `Tools/setup test` makes a virtual environment inside the project, `.venv/`, with the exact versions of
/// `Tools/requirements.txt`; its interpreter is used when it exists, so the system's Python is never changed (PEP 668).
/// Without it, `python3` found on PATH is used.
package enum Python {
    /// What to run when Python or one of its packages is missing.
    package static let setupHint =
        "run `Tools/setup test`, which installs Tools/requirements.txt into the project's .venv/"

    /// The project's virtual environment's interpreter: `<root>/.venv/bin/python3`.
    package static var environment: URL { RepositoryPaths.root.appendingPathComponent(".venv/bin/python3") }

    /// The interpreter a test runs: `.venv/bin/python3` when present, else `python3` on PATH (through `env`).
    package static var interpreter: (executable: URL, leading: [String]) {
        if FileManager.default.isExecutableFile(atPath: environment.path) {
            return (environment, [])
        }
        return (URL(fileURLWithPath: "/usr/bin/env"), ["python3"])
    }

    /// A process, not yet started, that runs ``interpreter`` with `arguments`.
    package static func process(_ arguments: [String]) -> Process {
        let process = Process()
        let (executable, leading) = interpreter
        process.executableURL = executable
        process.arguments = leading + arguments
        return process
    }

    /// What an oracle script printed: its exit status, standard output and standard error.
    package struct OracleRun {
        package var status: Int32
        package var output: Data
        package var errors: String
    }

    /// Runs an oracle under `Tests/oracle/` with `spec` written as a JSON file, the one argument these scripts take.
    package static func runOracle(_ script: String, spec: [String: Any]) throws -> OracleRun {
        let work = try TemporaryFolder()
        let specFile = work.url.appendingPathComponent("spec.json")
        let output = work.url.appendingPathComponent("out.json")
        let errors = work.url.appendingPathComponent("err.txt")
        try JSONSerialization.data(withJSONObject: spec).write(to: specFile)
        try Data().write(to: output)
        try Data().write(to: errors)
        let stdout = try FileHandle(forWritingTo: output)
        let stderr = try FileHandle(forWritingTo: errors)
        defer {
            try? stdout.close()
            try? stderr.close()
        }
        let process = process([
            RepositoryPaths.root.appendingPathComponent("Tests/oracle/\(script)").path, specFile.path,
        ])
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        return OracleRun(
            status: process.terminationStatus,
            output: try Data(contentsOf: output),
            errors: String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
        )
    }
}
