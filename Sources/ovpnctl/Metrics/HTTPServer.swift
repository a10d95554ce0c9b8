import CMnl
import DCONetlink
import Glibc

/// A minimal HTTP/1.1 server for scrapes: one connection at a time, each
/// with a deadline for its request and one for its response, a cap on the
/// request's size, and `Connection: close` always. A client that is slow,
/// sends too much or sends nonsense gets an error status (or, if it stops
/// reading, nothing) and the server goes on with the next one.
final class HTTPServer {
  let listener: Int32
  /// Time a client has to send its whole request head.
  var requestTimeoutMS: Int64 = 5000
  /// Time a client has to take the whole response.
  var responseTimeoutMS: Int64 = 10000
  /// Largest request head accepted, in bytes.
  var maxRequestBytes = 8192

  /// How one connection ended, for tests and logs.
  enum Outcome: Equatable {
    case noConnection
    case served(HTTPStatus)
    /// The client went away, or did not take the response in time.
    case dropped
  }

  /// Listens on `address` (nil: every address, IPv6 and IPv4) and `port`.
  init(address: IPAddress?, port: UInt16) throws(CommandError) {
    let local = Endpoint(address: address ?? .any(v6: true), port: port)
    let fd = socket(
      local.address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
      0)
    guard fd >= 0 else { throw .failure("socket: \(errnoDescription(cmnl_errno()))") }
    var on: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, 4)
    if local.address.isV6 && address == nil {
      var off: Int32 = 0
      _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, 4)
    }
    let rc = TransportSocket.withSockaddr(local) { Glibc.bind(fd, $0, $1) }
    guard rc == 0, listen(fd, 16) == 0 else {
      let e = cmnl_errno()
      close(fd)
      throw .failure("cannot listen on \(local): \(errnoDescription(e))")
    }
    listener = fd
  }

  deinit { close(listener) }

  var localEndpoint: Endpoint? { TransportSocket.localEndpoint(listener) }

  static func now() -> Int64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
  }

  /// Accepts one waiting connection, if any, and serves it to the end.
  func serveOne(_ handler: (HTTPRequest) -> HTTPResponse) -> Outcome {
    let c = accept(listener, nil, nil)
    guard c >= 0 else { return .noConnection }
    _ = fcntl(c, F_SETFD, FD_CLOEXEC)
    _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
    defer { close(c) }
    let response: HTTPResponse
    switch readRequest(c) {
    case .request(let r): response = handler(r)
    case .bad(let status): response = .error(status)
    case .incomplete: return .dropped
    }
    var bytes = response.head
    if !response.omitBody { bytes += response.body }
    guard send(c, bytes) else { return .dropped }
    shutdown(c, Int32(SHUT_WR))
    drain(c)
    return .served(response.status)
  }

  /// Reads and discards what the client still sends, briefly and boundedly,
  /// so that closing does not reset the connection before it has read the
  /// response (a refused request may have more bytes in flight).
  private func drain(_ c: Int32) {
    let deadline = Self.now() + 500
    var chunk = [UInt8](repeating: 0, count: 4096)
    var total = 0
    while total < 65536 {
      let left = deadline - Self.now()
      guard left > 0 else { return }
      var p = pollfd(fd: c, events: Int16(POLLIN), revents: 0)
      guard poll(&p, 1, Int32(left)) > 0 else { return }
      let n = recv(c, &chunk, chunk.count, 0)
      guard n > 0 else { return }
      total += n
    }
  }

  /// Reads until the head is complete, refused, timed out (408) or the
  /// client closes (`.incomplete`: nobody to answer).
  private func readRequest(_ c: Int32) -> HTTPRequest.Parse {
    let deadline = Self.now() + requestTimeoutMS
    var buffer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 2048)
    while true {
      let left = deadline - Self.now()
      guard left > 0 else { return .bad(.requestTimeout) }
      var p = pollfd(fd: c, events: Int16(POLLIN), revents: 0)
      let r = poll(&p, 1, Int32(min(left, 60_000)))
      if r < 0 && cmnl_errno() == EINTR { continue }
      guard r > 0 else { continue }
      // Never more than the limit (plus one byte, to see it exceeded).
      let room = min(chunk.count, maxRequestBytes + 1 - buffer.count)
      let n = recv(c, &chunk, room, 0)
      if n < 0 {
        let e = cmnl_errno()
        if e == EINTR || e == EAGAIN { continue }
        return .incomplete
      }
      if n == 0 {
        // Closed by the client: answer a complete head, else nobody listens.
        if case .request(let r) = HTTPRequest.parse(buffer[...], limit: maxRequestBytes) { return .request(r) }
        return .incomplete
      }
      buffer += chunk[0..<n]
      let parsed = HTTPRequest.parse(buffer[...], limit: maxRequestBytes)
      if parsed != .incomplete { return parsed }
    }
  }

  /// Sends everything before the response deadline.
  private func send(_ c: Int32, _ bytes: [UInt8]) -> Bool {
    let deadline = Self.now() + responseTimeoutMS
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { raw in
        Glibc.send(c, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
      }
      if n > 0 {
        offset += n
        continue
      }
      let e = cmnl_errno()
      guard n < 0, e == EAGAIN || e == EINTR else { return false }
      let left = deadline - Self.now()
      guard left > 0 else { return false }
      var p = pollfd(fd: c, events: Int16(POLLOUT), revents: 0)
      _ = poll(&p, 1, Int32(min(left, 60_000)))
    }
    return true
  }
}
