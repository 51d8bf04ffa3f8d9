import Foundation
import Synchronization
import Testing

@testable import EvidencePipeline

@Suite("Write-behind: pieces in order, one at a time, the first error rethrown")
struct WriteBehindTests {
    struct Failure: Error, Equatable { let piece: Int }

    @Test("Pieces run in the order submitted, and finish waits for the last", arguments: [1, 2])
    func order(limit: Int) throws {
        let behind = WriteBehind(limit: limit)
        let log = Mutex<[Int]>([])
        for piece in 0..<200 {
            try behind.submit {
                // A piece that takes a moment: the next one is submitted while it runs.
                if piece % 50 == 0 { usleep(2_000) }
                log.withLock { $0.append(piece) }
            }
        }
        try behind.finish()
        #expect(log.withLock { $0 } == Array(0..<200))
    }

    @Test("A piece's error is thrown by the next submit or by finish, and no later piece runs", arguments: [1, 2])
    func failure(limit: Int) throws {
        let behind = WriteBehind(limit: limit)
        let ran = Mutex<[Int]>([])
        var thrown: Failure?
        for piece in 0..<10 {
            do {
                try behind.submit {
                    ran.withLock { $0.append(piece) }
                    if piece == 3 { throw Failure(piece: 3) }
                }
            } catch let error as Failure {
                thrown = error
                break
            }
        }
        #expect(thrown == Failure(piece: 3))
        #expect(throws: Failure(piece: 3)) { try behind.finish() }
        #expect(ran.withLock { $0 } == [0, 1, 2, 3])

        // The error is also what finish throws when no submit came after the failing piece.
        let last = WriteBehind(limit: limit)
        try last.submit { throw Failure(piece: 0) }
        #expect(throws: Failure(piece: 0)) { try last.finish() }
    }
}
