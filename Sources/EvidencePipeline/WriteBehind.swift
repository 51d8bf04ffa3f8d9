internal import Dispatch

/// Runs pieces of work one at a time, in the order they are submitted, on a thread of its own, so that the caller
/// prepares the next piece (renders the next batch of resources on all cores) while the last one is written.
///
/// At most one piece is in flight: `submit` waits for the previous piece to end before handing over the next, so
/// the caller holds at most two batches at once. The first error a piece throws is rethrown by the next `submit`
/// or by `finish`, and no later piece runs.
///
/// ```swift
/// let behind = WriteBehind()
/// for batch in batches { try behind.submit { try writer.add(render(batch)) } }
/// try behind.finish()
/// ```
final class WriteBehind: @unchecked Sendable {
    // Safety: `failure` is written only by the piece running on `queue`, and read only after `idle.wait()`,
    // which orders it after that piece (the semaphore is signalled once the piece has ended).
    private let queue = DispatchQueue(label: "backup-evidence.write-behind")
    private let idle = DispatchSemaphore(value: 1)
    private var failure: (any Error)?

    /// Waits for the previous piece, then starts `piece`; throws the error of an earlier piece instead.
    ///
    /// `piece` may use state the caller does not touch until `finish` returns.
    func submit(_ piece: @escaping @Sendable () throws -> Void) throws {
        idle.wait()
        if let failure {
            idle.signal()
            throw failure
        }
        queue.async {
            do { try piece() } catch { self.failure = error }
            self.idle.signal()
        }
    }

    /// Waits for the last piece; throws the first error any piece threw.
    func finish() throws {
        idle.wait()
        defer { idle.signal() }
        if let failure { throw failure }
    }
}
