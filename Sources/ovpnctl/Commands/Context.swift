import DCONetlink

/// What every command runs with: the global options and one library client,
/// whose netlink sockets live for the whole run. A batch shares them, and
/// the interfaces it has looked up and the keeper connections it opened.
final class Context {
  let options: Options
  let client: DCOClient
  private var links: [String: (Link, any OvpnCodec)] = [:]
  /// The interface looked up last: a batch names one line after line.
  private var lastLink: (name: String, found: (Link, any OvpnCodec))?
  private var keepers: [UInt32: KeeperClient] = [:]
  /// Set by a batch for a line that joins its window: the command sends its
  /// request there instead of waiting for the reply (see BatchWindow).
  var window: BatchWindow?

  init(options: Options, client: DCOClient = DCOClient()) {
    self.options = options
    self.client = client
  }

  /// An ovpn interface by name, with its codec (looked up once per run).
  func ovpnLink(_ name: String, _ op: Operation) throws(CommandError) -> (Link, any OvpnCodec) {
    if let last = lastLink, last.name == name { return last.found }
    let found: (Link, any OvpnCodec)
    if let known = links[name] {
      found = known
    } else {
      found = try kernel(op) { () throws(NetlinkError) in try client.ovpnLink(named: name) }
      links[name] = found
    }
    lastLink = (name, found)
    return found
  }

  /// Sends one change to an interface: into the batch window when a batch
  /// has one open (its ack is read later, tied to the line), else as a
  /// request answered before this returns.
  func send(
    _ op: Operation, _ link: Link, _ codec: any OvpnCodec, peer: UInt32,
    _ message: () throws(NetlinkError) -> NetlinkMessage
  ) throws(CommandError) {
    if let window { return try window.submit(op, link, codec, peer: peer, message) }
    try kernel(op) { () throws(NetlinkError) in try client.genl().perform(try message()) }
  }

  /// The same, to the interface named `dev`, looked up first.
  func send(
    _ op: Operation, dev: String, peer: UInt32,
    _ message: (Link, any OvpnCodec) throws(NetlinkError) -> NetlinkMessage
  ) throws(CommandError) {
    let (link, codec) = try ovpnLink(dev, op)
    try send(op, link, codec, peer: peer) { () throws(NetlinkError) in try message(link, codec) }
  }

  /// Forgets looked-up interfaces and keeper connections: after `link add`
  /// or `link del` a name may mean another interface.
  func forgetLinks() {
    links = [:]
    lastLink = nil
    keepers = [:]
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

  /// The socket keeper of `link`, started if none runs; one connection per run.
  func keeper(_ link: Link) throws(CommandError) -> KeeperClient {
    if let k = keepers[link.index] { return k }
    let k = try KeeperClient.connectOrStart(link)
    keepers[link.index] = k
    return k
  }
}
