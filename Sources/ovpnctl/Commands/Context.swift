import DCONetlink

/// What every command runs with: the global options and one library client,
/// whose netlink sockets live for the whole run (a batch shares them).
final class Context {
  let options: Options
  let client: DCOClient

  init(options: Options, client: DCOClient = DCOClient()) {
    self.options = options
    self.client = client
  }

  /// An ovpn interface by name, with its codec.
  func ovpnLink(_ name: String, _ op: Operation) throws(CommandError) -> (Link, any OvpnCodec) {
    try kernel(op) { () throws(NetlinkError) in try client.ovpnLink(named: name) }
  }

  /// Every ovpn interface, or just `name`.
  func ovpnLinks(_ name: String?, _ op: Operation) throws(CommandError) -> [(Link, any OvpnCodec)] {
    if let name { return [try ovpnLink(name, op)] }
    let all = try kernel(op) { () throws(NetlinkError) in try client.links() }
    var result: [(Link, any OvpnCodec)] = []
    for link in all {
      guard let kind = link.ovpnKind else { continue }
      let codec = try kernel(op) { () throws(NetlinkError) in try client.codec(for: kind) }
      result.append((link, codec))
    }
    return result
  }
}
