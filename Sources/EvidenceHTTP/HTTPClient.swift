internal import CEvidenceCurl

/// Why an HTTP request got no response: libcurl could not be loaded, or the transfer failed.
public struct HTTPError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// libcurl is not installed, or lacks an entry point.
        case libraryUnavailable
        /// The request could not be made or got no complete response (DNS, TLS, connection, time-out).
        case transfer
        /// The request itself cannot be sent as given: a URL or header field holding a line break or NUL.
        case invalidRequest
        /// The response body grew past the caller's limit; the transfer was stopped there.
        case responseTooLarge
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// One HTTP request: method, absolute URL, header lines sent as given, and a body.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response: the status, the final response's header fields (names lower-cased) and the body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
}

/// HTTP/1.1 and HTTPS requests through libcurl, loaded the first time a request is sent.
///
/// Nothing is loaded at program start: the commands that send no request never map libcurl or the TLS, Kerberos
/// and LDAP libraries it needs. Certificates are verified against the system's store, and libcurl's proxy variables
/// (`https_proxy`, `no_proxy`, ...) apply. Redirects are not followed: a signed request is valid for one URL only.
public enum HTTPClient {
    /// The library's file name: libcurl's ABI 4 (Debian's `libcurl4`).
    public static let libraryName = "libcurl.so.4"

    /// Sends one request and waits for its response, whatever its status.
    ///
    /// - Parameters:
    ///   - idleTimeoutSeconds: the transfer fails when connecting takes longer, or when no byte moves for this long.
    ///   - maxResponseBytes: the transfer fails as soon as the response body would grow past this many bytes (a
    ///     server that sends without end would otherwise fill memory).
    public static func send(
        _ request: HTTPRequest,
        idleTimeoutSeconds: Int = 300,
        maxResponseBytes: Int = .max
    ) throws(HTTPError) -> HTTPResponse {
        let curl = try Curl.shared.get()
        return try curl.perform(request, idleTimeoutSeconds: idleTimeoutSeconds, maxResponseBytes: maxResponseBytes)
    }

    /// Loads `library` as libcurl, or throws the error that names what is missing.
    ///
    /// For diagnostics and tests: `send` loads `libraryName` itself.
    public static func load(library: String) throws(HTTPError) {
        _ = try Curl.load(library).get()
    }
}

/// The loaded library's entry points.
final class Curl: Sendable {
    /// Loaded once, on first use (a static `let` is initialised once, thread-safely).
    static let shared: Result<Curl, HTTPError> = load(HTTPClient.libraryName)

    // A table of function pointers, written once by `load` before the value is shared and never after.
    nonisolated(unsafe) private let table: cevidence_curl

    private init(table: cevidence_curl) { self.table = table }

    static func load(_ library: String) -> Result<Curl, HTTPError> {
        var table = cevidence_curl()
        if let failure = cevidence_curl_load(library, &table) {
            return .failure(
                HTTPError(
                    .libraryUnavailable,
                    "cannot load \(library), which sends HTTP requests (Debian package libcurl4): "
                        + String(cString: failure)
                )
            )
        }
        return .success(Curl(table: table))
    }

    func perform(
        _ request: HTTPRequest,
        idleTimeoutSeconds: Int,
        maxResponseBytes: Int
    ) throws(HTTPError) -> HTTPResponse {
        let lines = try Self.headerLines(request)
        var api = table
        guard let handle = cevidence_curl_init(&api) else { throw HTTPError(.transfer, "curl_easy_init failed") }
        // Read by curl during the transfer: the header list, the error text and the receiving object.
        var headerList: UnsafeMutablePointer<curl_slist>?
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let transfer = Transfer(limit: maxResponseBytes)
        defer {
            cevidence_curl_cleanup(&api, handle)
            cevidence_curl_list_free(&api, headerList)
            errorText.deallocate()
        }
        func check(_ code: CURLcode, _ what: String) throws(HTTPError) {
            guard code == CURLE_OK else {
                throw HTTPError(.transfer, "\(what): \(String(cString: cevidence_curl_strerror(&api, code)))")
            }
        }
        func set(_ option: CURLoption, _ value: Int) throws(HTTPError) {
            try check(cevidence_curl_set_long(&api, handle, option, value), "option \(option.rawValue)")
        }
        func set(_ option: CURLoption, text: String) throws(HTTPError) {
            // curl copies string options.
            try check(
                text.withCString { cevidence_curl_set_pointer(&api, handle, option, $0) },
                "option \(option.rawValue) \(text)"
            )
        }
        func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws(HTTPError) {
            try check(cevidence_curl_set_pointer(&api, handle, option, pointer), "option \(option.rawValue)")
        }

        try set(CURLOPT_URL, text: request.url)
        // Only HTTP and HTTPS: libcurl also speaks file, ftp, ldap, scp, ... which this client never means to use.
        try set(CURLOPT_PROTOCOLS_STR, text: "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_CONNECTTIMEOUT, idleTimeoutSeconds)
        try set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try set(CURLOPT_LOW_SPEED_TIME, idleTimeoutSeconds)
        try set(CURLOPT_ERRORBUFFER, pointer: errorText)
        switch request.method {
        case "GET": break
        case "HEAD": try set(CURLOPT_NOBODY, 1)
        default: try set(CURLOPT_CUSTOMREQUEST, text: request.method)
        }
        for line in lines {
            guard let appended = cevidence_curl_list_append(&api, headerList, line) else {
                throw HTTPError(.transfer, "curl_slist_append failed")
            }
            headerList = appended
        }
        try set(CURLOPT_HTTPHEADER, pointer: headerList.map { UnsafeRawPointer($0) })
        let context = UnsafeRawPointer(Unmanaged.passUnretained(transfer).toOpaque())
        try check(cevidence_curl_set_receiver(&api, handle, CURLOPT_WRITEFUNCTION, Transfer.receiveBody), "body")
        try set(CURLOPT_WRITEDATA, pointer: context)
        try check(cevidence_curl_set_receiver(&api, handle, CURLOPT_HEADERFUNCTION, Transfer.receiveHeader), "headers")
        try set(CURLOPT_HEADERDATA, pointer: context)

        // A body goes with PUT and POST always (`Content-Length: 0` when empty), with other methods when not empty.
        let sendsBody = !request.body.isEmpty || request.method == "PUT" || request.method == "POST"
        let code = try withExtendedLifetime(transfer) { () throws(HTTPError) -> CURLcode in
            try request.body.withUnsafeBufferPointer { body throws(HTTPError) -> CURLcode in
                if sendsBody {
                    // POSTFIELDS under a custom method sends the body as is with its length; the pointer is not
                    // null even for an empty body, so that curl sends `Content-Length: 0`.
                    try check(
                        cevidence_curl_set_offset(&api, handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)),
                        "body length"
                    )
                    try set(CURLOPT_POSTFIELDS, pointer: body.baseAddress.map { UnsafeRawPointer($0) } ?? context)
                }
                return cevidence_curl_perform(&api, handle)
            }
        }
        if transfer.overflowed {
            throw HTTPError(.responseTooLarge, "the response body is larger than \(maxResponseBytes) bytes")
        }
        guard code == CURLE_OK else {
            let text = String(cString: cevidence_curl_strerror(&api, code))
            let detail = String(cString: errorText)
            throw HTTPError(.transfer, detail.isEmpty || detail == text ? text : "\(text): \(detail)")
        }
        var status = 0
        try check(cevidence_curl_response_code(&api, handle, &status), "response code")
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
    }

    /// The request's header lines as curl takes them, after refusing a URL or field that would not be sent as given.
    ///
    /// A line break in a field would start another header (or end the head); a NUL would cut the C string short.
    /// A field with an empty value goes as `name;`, curl's form for it: `name:` would remove the header instead, and a
    /// signed header that is not sent breaks the signature. No header of curl's own beyond Host and Content-Length:
    /// no Content-Type for a body, no `Expect: 100-continue`, no Accept.
    static func headerLines(_ request: HTTPRequest) throws(HTTPError) -> [String] {
        let forbidden: Set<UInt8> = [0, UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        guard !request.url.utf8.contains(where: forbidden.contains) else {
            throw HTTPError(.invalidRequest, "URL holds a line break or NUL")
        }
        var lines: [String] = []
        for header in request.headers {
            guard !header.name.isEmpty,
                !header.name.utf8.contains(where: {
                    forbidden.contains($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ";")
                })
            else {
                throw HTTPError(.invalidRequest, "a header name is empty or holds ':', ';', a line break or NUL")
            }
            guard !header.value.utf8.contains(where: forbidden.contains) else {
                throw HTTPError(.invalidRequest, "header \(header.name): value holds a line break or NUL")
            }
            let blank = header.value.utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            lines.append(blank ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        for suppressed in ["content-type", "expect", "accept"]
        where !request.headers.contains(where: { $0.name.lowercased() == suppressed }) {
            lines.append("\(suppressed):")
        }
        return lines
    }
}

/// What one transfer received, filled by libcurl's callbacks on the calling thread.
private final class Transfer {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    /// The field the last header line named, which a continuation line extends.
    var lastName: String?
    /// The most body bytes kept; past it the body callback stops the transfer and sets `overflowed`.
    let limit: Int
    var overflowed = false

    init(limit: Int) { self.limit = limit }

    static let receiveBody: cevidence_curl_receive = { data, size, count, context in
        guard let data, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard length <= transfer.limit - transfer.body.count else {
            // Any count other than `length` makes curl end the transfer with CURLE_WRITE_ERROR.
            transfer.overflowed = true
            return 0
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            transfer.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        }
        return length
    }

    /// Takes one header line at a time.
    ///
    /// A status line starts a new response (after `100 Continue`), whose fields replace the earlier ones. A field that
    /// comes more than once keeps every value, joined by ", " in order (RFC 9110 5.3, as URLSession gave them); a line
    /// starting with a space or tab continues the previous field's value.
    static let receiveHeader: cevidence_curl_receive = { data, size, count, context in
        guard let data, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            transfer.headers = [:]
            transfer.lastName = nil
        } else if line.hasPrefix(" ") || line.hasPrefix("\t") {
            let more = line[...].trimmingWhitespace()
            if let name = transfer.lastName, let value = transfer.headers[name], !more.isEmpty {
                transfer.headers[name] = value.isEmpty ? more : "\(value) \(more)"
            }
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            transfer.headers[name] = transfer.headers[name].map { "\($0), \(value)" } ?? value
            transfer.lastName = name
        } else {
            transfer.lastName = nil
        }
        return length
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and line ends.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
