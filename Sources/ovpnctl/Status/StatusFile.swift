import DCONetlink

/// The client list of an OpenVPN server's status file (`--status FILE` with
/// `--status-version 2`, comma-separated, or `3`, tab-separated; the same
/// text the management interface's `status 2|3` prints, CRLF lines and all).
/// Columns are found by their names in the `HEADER,CLIENT_LIST,...` line, so
/// a version that adds, drops or reorders columns (the `Peer ID` column is
/// not in every one) reads the same. Pure: the text comes in, clients or the
/// first problem (with its line) come out.
struct StatusFile: Equatable {
  /// One `CLIENT_LIST` line.
  struct Client: Equatable {
    var commonName: String?
    /// The transport address OpenVPN last saw the client at.
    var realAddress: Endpoint?
    var vpnIPv4: IPAddress?
    var vpnIPv6: IPAddress?
    /// The DCO peer id, where the file has the column (and OpenVPN a value).
    var peerID: UInt32?
  }

  /// What is wrong with the text, and where (1-based line).
  struct Problem: Error, Equatable {
    var line: Int
    var message: String
  }

  var clients: [Client]
  /// Whether the file has a `Peer ID` column at all.
  var hasPeerIDs: Bool

  /// The common name of the kernel's `peer`: by peer id where the file has
  /// them, else by the transport address, else by the VPN address.
  func commonName(of peer: Peer) -> String? {
    if hasPeerIDs {
      return clients.first { $0.peerID == peer.id }?.commonName
    }
    if let remote = peer.remote,
      let c = clients.first(where: { c in c.realAddress.map { Self.same($0, remote) } ?? false })
    {
      return c.commonName
    }
    for address in [peer.vpnIPv4, peer.vpnIPv6].compactMap({ $0 }) {
      if let c = clients.first(where: { $0.vpnIPv4 == address || $0.vpnIPv6 == address }) {
        return c.commonName
      }
    }
    return nil
  }

  /// `commonName(of:)` for many peers: where the file has peer ids they are
  /// indexed once, so naming a dump of thousands of peers is not a search
  /// of the whole client list per peer. The first client with an id wins,
  /// as in `commonName(of:)`.
  func namer() -> (Peer) -> String? {
    guard hasPeerIDs else { return commonName(of:) }
    var byID: [UInt32: String?] = [:]
    for c in clients { if let id = c.peerID, byID[id] == nil { byID[id] = .some(c.commonName) } }
    return { byID[$0.id] ?? nil }
  }

  static func same(_ a: Endpoint, _ b: Endpoint) -> Bool {
    a.address.unmapped == b.address.unmapped && a.port == b.port
  }

  // MARK: parsing

  static func parse(_ text: String) throws(Problem) -> StatusFile {
    // "\r\n" is one Character in Swift: split on both.
    var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map {
      line in line.hasSuffix("\r") ? line.dropLast() : line[...]
    }
    if lines.last?.isEmpty == true { lines.removeLast() }
    guard let first = lines.first, !first.isEmpty else {
      throw Problem(line: 1, message: "empty; OpenVPN writes it with --status FILE --status-version 2 or 3")
    }
    let separator: Character
    if first.hasPrefix("TITLE,") {
      separator = ","
    } else if first.hasPrefix("TITLE\t") {
      separator = "\t"
    } else if first == "OpenVPN CLIENT LIST" {
      throw Problem(line: 1, message: "status-version 1 lists no peer ids; run OpenVPN with --status-version 2 or 3")
    } else if first == "OpenVPN STATISTICS" {
      throw Problem(line: 1, message: "a p2p instance's statistics, not a server's client list (--mode server)")
    } else {
      throw Problem(
        line: 1, message: "not an OpenVPN status file (--status-version 2 or 3): it starts with \"\(clip(first))\"")
    }

    var columns: [String: Int]?
    var width = 0
    var clients: [Client] = []
    var ended = false
    for (index, line) in lines.enumerated() {
      let number = index + 1
      if ended {
        if line.isEmpty { continue }
        throw Problem(line: number, message: "text after END")
      }
      let fields = line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
      switch fields[0] {
      case "END":
        ended = true
      case "HEADER":
        guard fields.count >= 2 else { throw Problem(line: number, message: "HEADER without a table name") }
        guard fields[1] == "CLIENT_LIST" else { continue }
        var map: [String: Int] = [:]
        for (i, name) in fields.enumerated().dropFirst(2) { map[name] = i - 1 }
        guard map["Common Name"] != nil else {
          throw Problem(line: number, message: "the CLIENT_LIST header has no \"Common Name\" column")
        }
        columns = map
        width = fields.count - 1
      case "CLIENT_LIST":
        guard let columns else {
          throw Problem(line: number, message: "CLIENT_LIST line before its HEADER line")
        }
        guard fields.count == width else {
          throw Problem(
            line: number,
            message: "CLIENT_LIST line has \(fields.count - 1) fields, its HEADER names \(width - 1)")
        }
        clients.append(try client(fields, columns, line: number))
      case "":
        throw Problem(line: number, message: "empty line")
      default:
        continue  // TITLE, TIME, ROUTING_TABLE, GLOBAL_STATS, ...
      }
    }
    guard ended else {
      throw Problem(line: lines.count, message: "ends before its END line (cut short, or being rewritten)")
    }
    return StatusFile(clients: clients, hasPeerIDs: columns?["Peer ID"] != nil)
  }

  private static func client(_ fields: [String], _ columns: [String: Int], line: Int)
    throws(Problem) -> Client
  {
    func field(_ name: String) -> String? {
      guard let i = columns[name], i < fields.count else { return nil }
      let v = fields[i]
      return v.isEmpty || v == "UNDEF" ? nil : v
    }
    var c = Client()
    c.commonName = field("Common Name")
    if let text = field("Real Address") {
      guard let e = endpoint(text) else {
        throw Problem(line: line, message: "Real Address \"\(clip(text))\" is not ADDR:PORT")
      }
      c.realAddress = e
    }
    if let text = field("Virtual Address") {
      guard let a = IPAddress(text), a.isV4 else {
        throw Problem(line: line, message: "Virtual Address \"\(clip(text))\" is not an IPv4 address")
      }
      c.vpnIPv4 = a
    }
    if let text = field("Virtual IPv6 Address") {
      guard let a = IPAddress(text), a.isV6 else {
        throw Problem(line: line, message: "Virtual IPv6 Address \"\(clip(text))\" is not an IPv6 address")
      }
      c.vpnIPv6 = a
    }
    if let text = field("Peer ID") {
      guard let id = UInt32(text) else {
        throw Problem(line: line, message: "Peer ID \"\(clip(text))\" is not a number")
      }
      // OpenVPN writes 16777215 (the wire's "undefined") for a client without one.
      if id < maxPeerID { c.peerID = id }
    }
    return c
  }

  /// `192.0.2.1:1194`, `[2001:db8::1]:1194` or `2001:db8::1:1194` (OpenVPN
  /// prints a bare IPv6 address with the port after its last colon), with an
  /// optional protocol prefix such as `udp4:`.
  static func endpoint(_ text: String) -> Endpoint? {
    var t = Substring(text)
    for prefix in ["udp4:", "udp6:", "tcp4-server:", "tcp6-server:", "udp:", "tcp:"] where t.hasPrefix(prefix) {
      t = t.dropFirst(prefix.count)
      break
    }
    if let e = Endpoint(parsing: String(t)) { return e }
    guard let colon = t.lastIndex(of: ":"), let port = UInt16(t[t.index(after: colon)...]),
      let a = IPAddress(String(t[..<colon])), a.isV6
    else { return nil }
    return Endpoint(address: a, port: port)
  }

  private static func clip(_ s: some StringProtocol) -> String {
    s.count > 60 ? String(s.prefix(60)) + "…" : String(s)
  }
}
