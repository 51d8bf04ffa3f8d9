internal import EvidenceCLI
internal import Foundation

/// One measured run of a child process.
struct ChildRun {
    /// The exit status, or 128 + the signal that ended it.
    var status: Int32
    /// Standard output and standard error, interleaved.
    var output: String
    var wallSeconds: Double
    /// User plus system time of the child and all its threads (wait4's rusage).
    var cpuSeconds: Double
    /// The child's own peak resident memory (see `ChildProcess.run`).
    var peakKilobytes: Int
    /// Whether the child was stopped because its resident memory passed the limit.
    var stoppedAtLimit: Bool
}

/// Runs programs as the benchmarks measure them.
enum ChildProcess {
    /// Runs `path` with `arguments`, its output going to a scratch file in `folder`, with an empty signal mask and
    /// default signal handlers (`openssl speed` times itself with SIGALRM, which the threads of this process block).
    ///
    /// Peak memory: on Linux a spawned child's `ru_maxrss` is the larger of its own high-water mark and the
    /// parent's at the time of the spawn (exec records the address space it leaves, which `posix_spawn` shares with
    /// the parent, into the child's maximum). So the parent polls the child's `VmHWM` (/proc/PID/status) while it
    /// runs, and takes `ru_maxrss` only when it exceeds this process's own `VmHWM`, when it can only be the child's
    /// (exact, where polling may miss the last milliseconds). With `memoryLimitKilobytes`, a child whose resident
    /// memory passes it is killed (SIGKILL), which the result records.
    static func run(
        _ path: String,
        _ arguments: [String],
        in folder: URL,
        memoryLimitKilobytes: Int? = nil
    ) throws -> ChildRun {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let output = folder.appendingPathComponent(".benchmark-output-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // What this process printed so far is shown before the child runs, also into a file or a pipe.
        fflush(nil)
        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw IOFailure(description: "cannot run \(path) \(arguments.first ?? "") (error \(spawned))")
        }
        var status: Int32 = 0
        var usage = rusage()
        var polledPeak = 0
        var stopped = false
        while true {
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited == -1 {
                if errno == EINTR { continue }
                throw IOFailure(description: "waiting for \(path): error \(errno)")
            }
            let memory = Self.memory(of: "/proc/\(pid)/status")
            polledPeak = max(polledPeak, memory.peak)
            if let memoryLimitKilobytes, memory.resident > memoryLimitKilobytes, !stopped {
                kill(pid, SIGKILL)
                stopped = true
            }
            usleep(10_000)
        }
        let wall = seconds(clock.now - start)
        let own = Self.memory(of: "/proc/self/status").peak
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let signal = status & 0x7F
        return ChildRun(
            status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
            output: text,
            wallSeconds: wall,
            cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
            peakKilobytes: usage.ru_maxrss > own ? usage.ru_maxrss : polledPeak,
            stoppedAtLimit: stopped
        )
    }

    /// `VmHWM` and `VmRSS` of a /proc status file, in kilobytes; zeros where unknown (the process has ended).
    static func memory(of statusFile: String) -> (peak: Int, resident: Int) {
        guard let status = try? String(contentsOfFile: statusFile, encoding: .utf8) else { return (0, 0) }
        var peak = 0
        var resident = 0
        for line in status.split(separator: "\n") {
            let fields = line.split(omittingEmptySubsequences: true) { $0 == " " || $0 == "\t" }
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            if fields[0] == "VmHWM:" { peak = value }
            if fields[0] == "VmRSS:" { resident = value }
        }
        return (peak, resident)
    }

    /// The program `name` on PATH, as `posix_spawn` needs a path.
    static func onPath(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }

/// Seconds or GiB for a table: two decimals under 10, one above (runs of a fraction of a second differ in the second).
func format(_ value: Double) -> String { String(format: value < 10 ? "%.2f" : "%.1f", value) }

/// This process's peak resident memory (`VmHWM` of /proc/self/status), in kilobytes; 0 where unknown.
func peakResidentKilobytes() -> Int { ChildProcess.memory(of: "/proc/self/status").peak }
