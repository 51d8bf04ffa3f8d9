internal import Dispatch

/// Data-parallel helpers whose results do not depend on scheduling: element `i` of the output is always
/// `transform(input[i])`, whatever thread computed it.
public enum Parallel {
    /// `input.map(transform)`, computed on all cores.
    public static func map<T: Sendable, R: Sendable>(_ input: [T], _ transform: @Sendable (T) -> R) -> [R] {
        guard input.count > 1 else { return input.map(transform) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: input.count)
        results.initialize(repeating: nil)
        defer {
            // The results are copied out below; the buffer's own references must be released with it.
            _ = results.deinitialize()
            results.deallocate()
        }
        let chunks = min(input.count, 64)
        nonisolated(unsafe) let output = results
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var index = chunk
            while index < input.count {
                output[index] = transform(input[index])
                index += chunks
            }
        }
        return results.map { value in
            guard let value else { preconditionFailure("every index is computed") }
            return value
        }
    }

    /// `input.map(transform)`, computed on all cores, each element a unit of work started in decreasing `cost`.
    ///
    /// Starting the costliest units first leaves only small ones for the end, so the cores finish together
    /// (longest-processing-time-first scheduling). The output is in input order whatever the costs.
    public static func map<T: Sendable, R: Sendable>(
        _ input: [T],
        costliestFirst cost: (T) -> Int,
        _ transform: @Sendable (T) -> R
    ) -> [R] {
        guard input.count > 1 else { return input.map(transform) }
        let costs = input.map(cost)
        let order = input.indices.sorted { (-costs[$0], $0) < (-costs[$1], $1) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: input.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let output = results
        // Dispatch hands out iterations in increasing order, one at a time, to whichever thread is free.
        DispatchQueue.concurrentPerform(iterations: order.count) { step in
            let index = order[step]
            output[index] = transform(input[index])
        }
        return results.map { value in
            guard let value else { preconditionFailure("every index is computed") }
            return value
        }
    }
}
