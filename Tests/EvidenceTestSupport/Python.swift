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
}
