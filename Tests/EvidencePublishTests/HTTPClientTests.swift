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
