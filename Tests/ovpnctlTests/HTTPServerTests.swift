import CMnl
import DCONetlink
import Glibc
import Testing

@testable import ovpnctl

@Suite("HTTP request heads")
struct HTTPRequestTests {
  private func parse(_ s: String, limit: Int = 8192) -> HTTPRequest.Parse {
    HTTPRequest.parse(Array(s.utf8)[...], limit: limit)
  }

  @Test func aScrape() {
    #expect(
      parse("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n")
        == .request(HTTPRequest(method: "GET", path: "/metrics")))
    #expect(parse("HEAD / HTTP/1.0\n\n") == .request(HTTPRequest(method: "HEAD", path: "/")))
  }

  @Test func incompleteUntilTheBlankLine() {
    #expect(parse("GET /metrics HTTP/1.1\r\nHost: a\r\n") == .incomplete)
    #expect(parse("") == .incomplete)
  }

  @Test(arguments: [
    "GET /metrics\r\n\r\n", "GET  /metrics HTTP/1.1\r\n\r\n", "GET metrics HTTP/1.1\r\n\r\n",
    "G(T / HTTP/1.1\r\n\r\n", "GET / FTP/1.0\r\n\r\n", "GET / HTTP/1.1\r\n folded: x\r\n\r\n",
    "GET / HTTP/1.1\r\nno colon\r\n\r\n", "GET / HTTP/1.1\r\nBad\u{1}Name: x\r\n\r\n",
    "GET /\u{7F} HTTP/1.1\r\n\r\n", "\r\n\r\n",
  ])
  func malformedIsBadRequest(_ text: String) {
    #expect(parse(text) == .bad(.badRequest))
  }

  @Test func otherVersions() {
    #expect(parse("GET / HTTP/2.0\r\n\r\n") == .bad(.versionNotSupported))
  }

  @Test func oversizedHeadIsRefusedCompleteOrNot() {
    let big = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100)
    #expect(parse(big, limit: 64) == .bad(.headerTooLarge))
    #expect(parse(big + "\r\n\r\n", limit: 64) == .bad(.headerTooLarge))
    #expect(parse(big + "\r\n\r\n", limit: 4096) == .request(HTTPRequest(method: "GET", path: "/")))
  }
}

/// A client connection to a test server on 127.0.0.1.
private final class Client {
  let fd: Int32
  init(_ port: UInt16) {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    let e = Endpoint(address: IPAddress("127.0.0.1")!, port: port)
    _ = TransportSocket.withSockaddr(e) { connect(fd, $0, $1) }
  }
  deinit { close(fd) }

  func send(_ s: String) {
    var b = Array(s.utf8)
    _ = Glibc.send(fd, &b, b.count, Int32(MSG_NOSIGNAL))
  }

  /// Everything until the server closes (or 3 s pass).
  func response() -> String {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    while poll(&p, 1, 3000) > 0 {
      let n = recv(fd, &chunk, chunk.count, 0)
      if n <= 0 { break }
      out += chunk[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
  }
}

@Suite("HTTP server: bad clients get an error and the server goes on")
struct HTTPServerTests {
  private func server() throws -> (HTTPServer, UInt16) {
    let s = try HTTPServer(address: IPAddress("127.0.0.1")!, port: 0)
    s.requestTimeoutMS = 300
    s.maxRequestBytes = 1024
    return (s, try #require(s.localEndpoint?.port))
  }

  private func handler(_ r: HTTPRequest) -> HTTPResponse {
    HTTPResponse(status: .ok, body: Array("path \(r.path)\n".utf8))
  }

  /// Waits for the listener to have a connection, then serves it.
  private func serve(_ s: HTTPServer) -> HTTPServer.Outcome {
    var p = pollfd(fd: s.listener, events: Int16(POLLIN), revents: 0)
    _ = poll(&p, 1, 2000)
    return s.serveOne(handler)
  }

  @Test func malformedThenGood() throws {
    let (s, port) = try server()
    let bad = Client(port)
    let good = Client(port)
    bad.send("NONSENSE\r\n\r\n")
    good.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    #expect(serve(s) == .served(.badRequest))
    #expect(bad.response().hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
    #expect(serve(s) == .served(.ok))
    let r = good.response()
    #expect(r.hasPrefix("HTTP/1.1 200 OK\r\n"))
    #expect(r.contains("Connection: close\r\n"))
    #expect(r.hasSuffix("\r\n\r\npath /metrics\n"))
  }

  @Test func oversizedThenGood() throws {
    let (s, port) = try server()
    let big = Client(port)
    big.send("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 5000) + "\r\n\r\n")
    #expect(serve(s) == .served(.headerTooLarge))
    #expect(big.response().hasPrefix("HTTP/1.1 431 "))
    let good = Client(port)
    good.send("GET / HTTP/1.0\r\n\r\n")
    #expect(serve(s) == .served(.ok))
    #expect(good.response().hasSuffix("path /\n"))
  }

  @Test func slowClientTimesOutThenGood() throws {
    let (s, port) = try server()
    let slow = Client(port)
    slow.send("GET /metrics HTT")
    let t0 = HTTPServer.now()
    #expect(serve(s) == .served(.requestTimeout))
    #expect(HTTPServer.now() - t0 < 2000)
    #expect(slow.response().hasPrefix("HTTP/1.1 408 "))
    let good = Client(port)
    good.send("GET /metrics HTTP/1.1\r\n\r\n")
    #expect(serve(s) == .served(.ok))
  }

  @Test func clientThatLeavesIsDropped() throws {
    let (s, port) = try server()
    do {
      let gone = Client(port)
      gone.send("GET /metr")
    }
    #expect(serve(s) == .dropped)
    #expect(s.serveOne(handler) == .noConnection)
  }
}
