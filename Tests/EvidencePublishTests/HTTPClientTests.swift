import Dispatch
import EvidenceHTTP
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("HTTP client (libcurl loaded on first use)")
struct HTTPClientTests {
    /// A loopback port with nothing listening: bound, then closed.
    static func closedPort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("A library that cannot be loaded is named, with the package that provides libcurl")
    func missingLibrary() {
        #expect {
            try HTTPClient.load(library: "libcurl-absent.so.4")
        } throws: { error in
            guard let error = error as? HTTPError, error.code == .libraryUnavailable else { return false }
            return error.message.hasPrefix("cannot load libcurl-absent.so.4, which sends HTTP requests")
                && error.message.contains("libcurl4") && error.message.contains("libcurl-absent.so.4: cannot open")
        }
    }

    @Test("A library without curl's entry points is refused, naming the missing symbol")
    func wrongLibrary() {
        #expect {
            try HTTPClient.load(library: "libz.so.1")
        } throws: { error in
            (error as? HTTPError)?.code == .libraryUnavailable
                && (error as? HTTPError)?.message.contains("curl_global_init") == true
        }
    }

    @Test("No server: the transfer error is curl's, in words, for every method")
    func connectionRefused() throws {
        let port = try Self.closedPort()
        for method in ["GET", "HEAD", "PUT", "DELETE"] {
            let request = HTTPRequest(method: method, url: "http://127.0.0.1:\(port)/bucket/key", body: Array("x".utf8))
            #expect {
                try HTTPClient.send(request, idleTimeoutSeconds: 5)
            } throws: { error in
                guard let error = error as? HTTPError, error.code == .transfer else { return false }
                return error.message.hasPrefix("Couldn't connect to server")
            }
        }
    }

    @Test("A URL curl cannot use is a transfer error, not a crash")
    func unusableURL() {
        #expect {
            try HTTPClient.send(HTTPRequest(method: "GET", url: "gopher-nope://x/"), idleTimeoutSeconds: 5)
        } throws: { error in
            (error as? HTTPError)?.code == .transfer
        }
    }

    @Test("HTTPS: a server whose certificate no trusted authority issued is refused before any byte is sent")
    func untrustedCertificate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("be-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (key, certificate) = (folder.appendingPathComponent("key.pem"), folder.appendingPathComponent("cert.pem"))
        let request = Process()
        request.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        request.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out",
            certificate.path,
        ]
        request.standardError = FileHandle.nullDevice
        try request.run()
        request.waitUntilExit()
        try #require(request.terminationStatus == 0, "openssl req could not make a certificate")

        let port = try Self.closedPort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "openssl", "s_server", "-quiet", "-www", "-accept", "127.0.0.1:\(port)", "-cert", certificate.path, "-key",
            key.path,
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            // SIGKILL: a child may inherit a mask that blocks SIGTERM.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        // Until the server listens, the error is a refused connection; then it is the certificate.
        var outcome: (any Error)?
        for _ in 0..<100 {
            do {
                _ = try HTTPClient.send(
                    HTTPRequest(method: "GET", url: "https://127.0.0.1:\(port)/"),
                    idleTimeoutSeconds: 5
                )
                outcome = nil
                break
            } catch {
                outcome = error
                if !error.message.hasPrefix("Couldn't connect to server") { break }
                usleep(50_000)
            }
        }
        let error = try #require(outcome as? HTTPError, "an untrusted certificate was accepted")
        #expect(error.code == .transfer)
        #expect(error.message.contains("certificate"), "\(error.message)")
    }
}

/// A loopback server for one connection: it reads the request's head and `Content-Length` bytes of body, answers
/// with `response` as given, and closes.
final class OneShotServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let thread: Thread
    private let done = DispatchSemaphore(value: 0)

    init(response: [UInt8]) throws {
        listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { [listener] in
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && getsockname(listener, pointer, &length) == 0
                    && listen(listener, 1) == 0
            }
        }
        try #require(listening)
        port = Int(UInt16(bigEndian: address.sin_port))
        let (listener, done) = (listener, done)
        let box = Box()
        thread = Thread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                done.signal()
                return
            }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while Self.bodyMissing(received) {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            box.request = received
            var sent = 0
            while sent < response.count {
                let count = response[sent...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                sent += count
            }
            close(connection)
            done.signal()
        }
        self.box = box
        thread.start()
    }

    private final class Box: @unchecked Sendable { var request: [UInt8] = [] }
    private let box: Box

    /// Waits for the connection to end and returns the request's bytes.
    func received() -> [UInt8] {
        done.wait()
        close(listener)
        return box.request
    }

    /// Whether the head is incomplete or fewer than its `Content-Length` body bytes arrived.
    static func bodyMissing(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return true }
        let head = text[..<end.lowerBound].lowercased()
        let length =
            head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return bytes.count - text[..<end.upperBound].utf8.count < length
    }
}

@Suite("HTTP client against a loopback server")
struct HTTPClientExchangeTests {
    static let okay = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)

    /// The request's head, split into lines, and its body.
    static func split(_ bytes: [UInt8]) -> (lines: [String], body: [UInt8]) {
        let end = (0..<max(0, bytes.count - 3)).first { Array(bytes[$0..<$0 + 4]) == Array("\r\n\r\n".utf8) } ?? 0
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        return (head.components(separatedBy: "\r\n"), Array(bytes[min(bytes.count, end + 4)...]))
    }

    @Test("PUT sends the body byte for byte (NULs included) and no header of curl's own but Host and Content-Length")
    func putBody() throws {
        let server = try OneShotServer(response: Self.okay)
        let body: [UInt8] = [0x61, 0, 0x62, 0, 0x0D, 0x0A, 0xFF]
        let response = try HTTPClient.send(
            HTTPRequest(
                method: "PUT",
                url: "http://127.0.0.1:\(server.port)/b/k?retention&versionId=a%2Bb",
                headers: [("x-amz-date", "20280301T000000Z")],
                body: body
            ),
            idleTimeoutSeconds: 10
        )
        #expect(response.status == 200 && response.body == Array("ok".utf8))
        let (lines, sent) = Self.split(server.received())
        #expect(
            lines == [
                "PUT /b/k?retention&versionId=a%2Bb HTTP/1.1", "Host: 127.0.0.1:\(server.port)",
                "x-amz-date: 20280301T000000Z", "Content-Length: 7",
            ]
        )
        #expect(sent == body)
    }

    @Test("PUT with an empty body sends Content-Length: 0; DELETE and GET send no body")
    func emptyBodies() throws {
        for (method, expected) in [("PUT", ["Content-Length: 0"]), ("DELETE", []), ("GET", [])] {
            let server = try OneShotServer(response: Self.okay)
            _ = try HTTPClient.send(
                HTTPRequest(method: method, url: "http://127.0.0.1:\(server.port)/k"),
                idleTimeoutSeconds: 10
            )
            let (lines, sent) = Self.split(server.received())
            #expect(lines == ["\(method) /k HTTP/1.1", "Host: 127.0.0.1:\(server.port)"] + expected)
            #expect(sent.isEmpty)
        }
    }

    @Test("A header with an empty value is sent, empty, not dropped (a signed header must arrive)")
    func emptyHeaderValue() throws {
        let server = try OneShotServer(response: Self.okay)
        _ = try HTTPClient.send(
            HTTPRequest(
                method: "GET",
                url: "http://127.0.0.1:\(server.port)/k",
                headers: [("x-amz-security-token", "")]
            ),
            idleTimeoutSeconds: 10
        )
        #expect(Self.split(server.received()).lines.contains("x-amz-security-token:"))
    }

    @Test("A line break or NUL in a header or the URL is refused before anything is sent")
    func headerInjection() {
        let requests = [
            HTTPRequest(method: "GET", url: "http://127.0.0.1:9/k", headers: [("x-amz-meta-a", "v\r\nInjected: 1")]),
            HTTPRequest(method: "GET", url: "http://127.0.0.1:9/k", headers: [("x-amz-meta-a", "v\0w")]),
            HTTPRequest(method: "GET", url: "http://127.0.0.1:9/k", headers: [("x-a\nb", "v")]),
            HTTPRequest(method: "GET", url: "http://127.0.0.1:9/k", headers: [("x-a:b", "v")]),
            HTTPRequest(method: "GET", url: "http://127.0.0.1:9/k\r\nInjected: 1"),
            HTTPRequest(method: "GET", url: "http://127.0.0.1:9/k\0.evil"),
        ]
        for request in requests {
            #expect {
                try HTTPClient.send(request, idleTimeoutSeconds: 5)
            } throws: { error in
                guard let error = error as? HTTPError else { return false }
                return error.code == .invalidRequest && !error.message.contains("\n")
            }
        }
    }

    @Test("Only http and https: a file: URL is not read")
    func otherProtocols() {
        for url in ["file:///etc/hostname", "ftp://127.0.0.1:9/x", "dict://127.0.0.1:9/x"] {
            #expect {
                try HTTPClient.send(HTTPRequest(method: "GET", url: url), idleTimeoutSeconds: 5)
            } throws: { error in
                (error as? HTTPError)?.code == .transfer && (error as? HTTPError)?.message.contains("Protocol") == true
            }
        }
    }

    @Test("Response headers: names lower-cased, repeated fields joined in order, folded lines continued")
    func responseHeaders() throws {
        let server = try OneShotServer(
            response: Array(
                ("HTTP/1.1 100 Continue\r\nX-Early: gone\r\n\r\nHTTP/1.1 403 Forbidden\r\nX-Amz-Version-Id: V1\r\n"
                    + "X-Rep: a\r\nx-rep: b\r\nX-Fold: first\r\n  second\r\nContent-Length: 22\r\n\r\n"
                    + "<Error><Code>A</Code>\n").utf8
            )
        )
        let response = try HTTPClient.send(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/k"),
            idleTimeoutSeconds: 10
        )
        _ = server.received()
        #expect(response.status == 403)
        #expect(
            response.headers == [
                "x-amz-version-id": "V1", "x-rep": "a, b", "x-fold": "first second", "content-length": "22",
            ]
        )
        #expect(response.body == Array("<Error><Code>A</Code>\n".utf8))
    }

    @Test("A response body past maxResponseBytes stops the transfer with one line; one at the limit is kept")
    func responseLimit() throws {
        let body = [UInt8](repeating: 0x78, count: 4 << 20)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        let large = try OneShotServer(response: response)
        #expect {
            try HTTPClient.send(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(large.port)/k"),
                idleTimeoutSeconds: 10,
                maxResponseBytes: 1 << 20
            )
        } throws: { error in
            (error as? HTTPError)?.code == .responseTooLarge
                && (error as? HTTPError)?.message == "the response body is larger than 1048576 bytes"
        }
        _ = large.received()

        let exact = try OneShotServer(response: response)
        let kept = try HTTPClient.send(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(exact.port)/k"),
            idleTimeoutSeconds: 10,
            maxResponseBytes: body.count
        )
        _ = exact.received()
        #expect(kept.body == body)
    }

    @Test("HEAD reads no body whatever Content-Length says; a redirect is returned, not followed")
    func headAndRedirect() throws {
        let head = try OneShotServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: 123456\r\n\r\n".utf8))
        let headResponse = try HTTPClient.send(
            HTTPRequest(method: "HEAD", url: "http://127.0.0.1:\(head.port)/k"),
            idleTimeoutSeconds: 10
        )
        _ = head.received()
        #expect(headResponse.status == 200 && headResponse.body.isEmpty)
        #expect(headResponse.headers["content-length"] == "123456")

        let redirect = try OneShotServer(
            response: Array(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:9/x\r\nContent-Length: 0\r\n\r\n".utf8
            )
        )
        let redirected = try HTTPClient.send(
            HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(redirect.port)/k", body: [1]),
            idleTimeoutSeconds: 10
        )
        _ = redirect.received()
        #expect(redirected.status == 307 && redirected.headers["location"] == "http://127.0.0.1:9/x")
    }
}
