internal import Dispatch
internal import Synchronization

/// Runs pieces of work one at a time, in the order they are submitted, on a thread of its own, so that the caller
/// prepares the next pieces (renders the next batches of resources on all cores) while the earlier ones are written.
///
/// At most `limit` pieces are waiting or running: `submit` waits while that many are, so the caller holds at most
/// `limit + 1` batches at once. The first error a piece throws is rethrown by the next `submit` or by `finish`, and
/// no later piece runs.
///
/// ```swift
/// let behind = WriteBehind()
/// for batch in batches { try behind.submit { try writer.add(render(batch)) } }
/// try behind.finish()
/// ```
final class WriteBehind: Sendable {
    private let queue = DispatchQueue(label: "backup-evidence.write-behind")
    private let slots: DispatchSemaphore
    private let limit: Int
    /// The first error a piece threw; a piece that finds one set does nothing.
    private let failure = Mutex<(any Error)?>(nil)

    /// - Parameter limit: pieces waiting or running at most (at least 1).
    init(limit: Int = 1) {
        self.limit = max(1, limit)
        slots = DispatchSemaphore(value: self.limit)
    }

    /// Waits for a free slot, then queues `piece`; throws the error of an earlier piece instead.
    ///
    /// `piece` may use state the caller does not touch until `finish` returns.
    func submit(_ piece: @escaping @Sendable () throws -> Void) throws {
        slots.wait()
        if let failure = failure.withLock({ $0 }) {
            slots.signal()
            throw failure
        }
        queue.async {
            if self.failure.withLock({ $0 == nil }) {
                do { try piece() } catch { self.failure.withLock { $0 = error } }
            }
            self.slots.signal()
        }
    }

    /// Waits for every piece; throws the first error any piece threw.
    func finish() throws {
        for _ in 0..<limit { slots.wait() }
        defer { for _ in 0..<limit { slots.signal() } }
        if let failure = failure.withLock({ $0 }) { throw failure }
    }
}
