/// The head of an HTTP/1.x request (request line and header fields), read
/// from bytes nobody vouches for: only what a scrape needs is accepted.
struct HTTPRequest: Equatable {
  let method: String
  /// The path, without any query string.
  let path: String

  enum Parse: Equatable {
    /// No blank line yet, and still under the size limit.
    case incomplete
    case request(HTTPRequest)
    /// Refuse with this status.
    case bad(HTTPStatus)
  }

  /// Parses `bytes`, the start of a connection. A head longer than `limit`
  /// bytes is refused whether or not it is complete.
  static func parse(_ bytes: ArraySlice<UInt8>, limit: Int) -> Parse {
    guard let end = headEnd(bytes) else {
      return bytes.count >= limit ? .bad(.headerTooLarge) : .incomplete
    }
    guard end - bytes.startIndex <= limit else { return .bad(.headerTooLarge) }
    var lines = bytes[bytes.startIndex..<end].split(
      separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false
    ).map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
    while lines.last?.isEmpty == true { lines.removeLast() }
    guard let requestLine = lines.first else { return .bad(.badRequest) }
    let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte) else {
      return .bad(.badRequest)
    }
    let version = String(decoding: parts[2], as: UTF8.self)
    guard version.hasPrefix("HTTP/") else { return .bad(.badRequest) }
    guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .bad(.versionNotSupported) }
    let target = parts[1]
    guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      return .bad(.badRequest)
    }
    for field in lines.dropFirst() {
      // name ":" value; no obsolete line folding, no blank or control bytes in the name.
      guard let colon = field.firstIndex(of: UInt8(ascii: ":")), colon > field.startIndex,
        field[field.startIndex..<colon].allSatisfy(isTokenByte),
        field[colon...].allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) })
      else { return .bad(.badRequest) }
    }
    let path = target.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)[0]
    return .request(
      HTTPRequest(method: String(decoding: parts[0], as: UTF8.self), path: String(decoding: path, as: UTF8.self)))
  }

  /// The index just past the blank line that ends the head (CRLF CRLF, or
  /// bare LF LF, which RFC 9112 lets a server accept).
  private static func headEnd(_ b: ArraySlice<UInt8>) -> Int? {
    var i = b.startIndex
    while i < b.endIndex {
      if b[i] == UInt8(ascii: "\n") {
        if i + 1 < b.endIndex, b[i + 1] == UInt8(ascii: "\n") { return i + 2 }
        if i + 2 < b.endIndex, b[i + 1] == UInt8(ascii: "\r"), b[i + 2] == UInt8(ascii: "\n") {
          return i + 3
        }
      }
      i += 1
    }
    return nil
  }

  /// RFC 9110 tchar.
  private static func isTokenByte(_ c: UInt8) -> Bool {
    switch c {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    default:
      return "!#$%&'*+-.^_`|~".utf8.contains(c)
    }
  }
}

/// The statuses the metrics endpoint answers with.
enum HTTPStatus: Int, Equatable {
  case ok = 200
  case badRequest = 400
  case notFound = 404
  case methodNotAllowed = 405
  case requestTimeout = 408
  case headerTooLarge = 431
  case internalError = 500
  case versionNotSupported = 505

  var reason: String {
    switch self {
    case .ok: return "OK"
    case .badRequest: return "Bad Request"
    case .notFound: return "Not Found"
    case .methodNotAllowed: return "Method Not Allowed"
    case .requestTimeout: return "Request Timeout"
    case .headerTooLarge: return "Request Header Fields Too Large"
    case .internalError: return "Internal Server Error"
    case .versionNotSupported: return "HTTP Version Not Supported"
    }
  }
}

/// A complete response; the connection always closes after it.
struct HTTPResponse {
  var status: HTTPStatus
  var contentType = "text/plain; charset=utf-8"
  var body: [UInt8]
  /// HEAD: the headers of the response, without its body.
  var omitBody = false
  var extraHeaders: [String] = []

  static func error(_ status: HTTPStatus) -> HTTPResponse {
    HTTPResponse(status: status, body: Array("\(status.rawValue) \(status.reason)\n".utf8))
  }

  var head: [UInt8] {
    var h = "HTTP/1.1 \(status.rawValue) \(status.reason)\r\n"
    h += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
    for e in extraHeaders { h += e + "\r\n" }
    return Array((h + "\r\n").utf8)
  }
}
