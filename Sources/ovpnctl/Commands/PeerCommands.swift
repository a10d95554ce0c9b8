import CMnl
import DCONetlink
import Glibc

/// `peer add | set | del | show`.
enum PeerCommands {
  /// How the transport socket of a new peer comes about.
  enum SocketSource: Equatable {
    case udp(local: Endpoint)
    case tcpConnect(remote: Endpoint, local: Endpoint?)
    case tcpListen(local: Endpoint)
    case descriptor(Int32)
  }

  /// A parsed `peer add`: everything checked before the kernel is asked.
  struct AddRequest: CommandRequest, Equatable {
    var dev: String
    var config: PeerConfig
    var socketSource: SocketSource
    /// SO_MARK of the socket ovpnctl opens (never of a caller's `fd`).
    var mark: UInt32? = nil

    static func parse(_ args: Arguments) throws(UsageError) -> AddRequest { try parseAdd(args) }
    func run(_ ctx: Context) throws(CommandError) { try PeerCommands.add(self, ctx) }
  }

  /// `mark N`: decimal or 0x hexadecimal, 0..0xffffffff.
  static func mark(_ args: Arguments) throws(UsageError) -> UInt32? {
    guard let text = args.string("mark") else { return nil }
    let value: UInt32?
    if text.hasPrefix("0x") || text.hasPrefix("0X") {
      value = UInt32(text.dropFirst(2), radix: 16)
    } else {
      value = UInt32(text)
    }
    guard let value else { throw .wrong(text, "a mark must be 0..0xffffffff") }
    return value
  }

  /// What peer add and peer set both take: dev, id, vpn-ip, keepalive and tx-id.
  static func commonConfig(_ args: Arguments) throws(UsageError) -> (String, PeerConfig) {
    let dev = try args.require("dev")
    var config = PeerConfig(id: try args.requirePeerID("id"))
    try vpnIPs(args, &config)
    if let (i, t) = try args.keepalive() {
      config.keepaliveInterval = i
      config.keepaliveTimeout = t
    }
    config.txID = try args.peerID("tx-id")
    return (dev, config)
  }

  static func parseAdd(_ args: Arguments) throws(UsageError) -> AddRequest {
    var (dev, config) = try commonConfig(args)
    let remote = try args.endpoint("remote")
    let local = try args.localEndpoint("local")
    let proto = try args.choice("proto")
    let mark = try mark(args)
    let socketSource: SocketSource
    if let fdText = args.string("fd") {
      // Arguments has refused proto, listen, local and mark beside fd.
      let fd: Int32 = try Arguments.number(fdText, 0...Int32.max, what: "a file descriptor")
      config.remote = remote
      socketSource = .descriptor(fd)
    } else if proto == "tcp" {
      if let listen = try args.localEndpoint("listen") {
        // Arguments has refused remote and local beside listen. Without an
        // address, listen on both families (an IPv6 wildcard socket).
        socketSource = .tcpListen(local: wildcard(listen, v6: true))
      } else if let remote {
        try checkFamilies(local?.0, remote, args)
        socketSource = .tcpConnect(
          remote: remote, local: local.map { wildcard($0, v6: remote.address.unmapped.isV6) })
      } else {
        throw UsageError("proto tcp needs \"remote ADDR:PORT\" or \"listen [ADDR]:PORT\"")
      }
    } else {
      guard let remote else { throw UsageError.missing("remote") }
      try checkFamilies(local?.0, remote, args)
      let bind = wildcard(local ?? (nil, 1194), v6: remote.address.unmapped.isV6)
      if let address = local?.0, !isWildcard(address) { config.localAddress = address }
      config.remote = remote
      socketSource = .udp(local: bind)
    }
    return AddRequest(dev: dev, config: config, socketSource: socketSource, mark: mark)
  }

  /// A local address must be of the remote's family; the IPv6 wildcard
  /// (`[::]`) is the exception: that socket serves IPv4 peers too.
  static func checkFamilies(_ local: IPAddress?, _ remote: Endpoint, _ args: Arguments)
    throws(UsageError)
  {
    guard let local, local.unmapped.isV6 != remote.address.unmapped.isV6 else { return }
    if local.isV6 && isWildcard(local) { return }
    throw UsageError.wrong(
      args.string("local") ?? "", "local and remote addresses are of different families")
  }

  static func wildcard(_ local: (IPAddress?, UInt16), v6: Bool) -> Endpoint {
    Endpoint(address: local.0 ?? .any(v6: v6), port: local.1)
  }

  static func isWildcard(_ a: IPAddress) -> Bool { a.bytes.allSatisfy { $0 == 0 } }

  static func vpnIPs(_ args: Arguments, _ config: inout PeerConfig) throws(UsageError) {
    for v in args.all("vpn-ip") {
      let a = try args.address(v[0])
      if a.isV4 {
        if config.vpnIPv4 != nil { throw .duplicate("vpn-ip", v[0]) }
        config.vpnIPv4 = a
      } else {
        if config.vpnIPv6 != nil { throw .duplicate("vpn-ip", v[0]) }
        config.vpnIPv6 = a
      }
    }
  }

  static func add(_ request: AddRequest, _ ctx: Context) throws(CommandError) {
    var config = request.config
    let op = Operation.peerAdd(dev: request.dev, id: config.id)
    let (link, codec) = try ctx.ovpnLink(request.dev, op)
    try checkTxID(config.txID, codec, ctx, op)

    switch request.socketSource {
    case .descriptor(let fd):
      config.socket = fd
      if let window = ctx.window { return try window.addPeer(op, link, codec, config, record: nil) }
      try kernel(op) { () throws(NetlinkError) in try ctx.client.addPeer(link, codec: codec, config) }
    case .udp(let local):
      // The keeper owns the port's one socket; this command borrows it.
      let keeper = try ctx.keeper(link)
      let mark = request.mark ?? 0
      config.socket = try keeper.udpSocket(local, mark: mark)
      if let window = ctx.window {
        return try window.addPeer(op, link, codec, config, record: (keeper, local, mark))
      }
      try kernel(op) { () throws(NetlinkError) in try ctx.client.addPeer(link, codec: codec, config) }
      try rollingBack(link, codec, config.id, ctx) { () throws(CommandError) in
        try keeper.attach(config.id, to: local, mark: mark)
      }
    case .tcpConnect(let remote, let local):
      let fd = try kernel(op) { () throws(NetlinkError) in
        try TransportSocket.tcpConnect(remote: remote, local: local, mark: request.mark ?? 0)
      }
      try addTCP(fd, link, codec, config, ctx, op)
    case .tcpListen(let local):
      let (fd, _) = try kernel(op) { () throws(NetlinkError) in
        do throws(NetlinkError) {
          return try TransportSocket.tcpAcceptOne(local: local, mark: request.mark ?? 0)
        } catch .system(_, let e) where e == EAFNOSUPPORT && local.address.isV6 && isWildcard(local.address) {
          // IPv6 is disabled on this host: the IPv4 wildcard is all there is.
          return try TransportSocket.tcpAcceptOne(
            local: Endpoint(address: .any(v6: false), port: local.port), mark: request.mark ?? 0)
        }
      }
      try addTCP(fd, link, codec, config, ctx, op)
    }
  }

  /// A TCP peer has its own socket; the keeper holds it under the peer id.
  static func addTCP(
    _ fd: Int32, _ link: Link, _ codec: any OvpnCodec, _ config: PeerConfig, _ ctx: Context,
    _ op: Operation
  ) throws(CommandError) {
    defer { close(fd) }
    var config = config
    config.socket = fd
    let keeper = try ctx.keeper(link)
    try kernel(op) { () throws(NetlinkError) in try ctx.client.addPeer(link, codec: codec, config) }
    try rollingBack(link, codec, config.id, ctx) { () throws(CommandError) in
      try keeper.adoptTCP(config.id, fd: fd)
    }
  }

  /// Runs the hand-over to the keeper of a peer just added. If it fails the
  /// peer would die with this process on the upstream API: remove it.
  static func rollingBack(
    _ link: Link, _ codec: any OvpnCodec, _ id: UInt32, _ ctx: Context,
    _ body: () throws(CommandError) -> Void
  ) throws(CommandError) {
    do throws(CommandError) {
      try body()
    } catch {
      try? ctx.client.deletePeer(link, codec: codec, id: id)
      throw error
    }
  }

  /// `tx-id` exists only on the upstream API of kernels that know it (7.1+).
  static func checkTxID(
    _ txID: UInt32?, _ codec: any OvpnCodec, _ ctx: Context, _ op: Operation, set: Bool = false
  ) throws(CommandError) {
    guard txID != nil else { return }
    guard codec.kind == .ovpn else {
      throw .netlink(.unsupported("tx-id needs the upstream ovpn API; ovpn-dco-v2 has no transmit id"), op)
    }
    let features = try kernel(op) { () throws(NetlinkError) in try ctx.client.features(codec) }
    if !(set ? features.txIDOnSet : features.txID) {
      throw .netlink(.unsupported("this kernel's ovpn module does not know tx-id (it came with Linux 7.1)"), op)
    }
  }

  struct SetRequest: CommandRequest, Equatable {
    var dev: String
    var config: PeerConfig

    static func parse(_ args: Arguments) throws(UsageError) -> SetRequest {
      var (dev, config) = try commonConfig(args)
      config.remote = try args.endpoint("remote")
      if let local = args.string("local") { config.localAddress = try args.address(local) }
      if config == PeerConfig(id: config.id) {
        throw UsageError("nothing to change: give remote, local, vpn-ip, keepalive or tx-id")
      }
      return SetRequest(dev: dev, config: config)
    }

    func run(_ ctx: Context) throws(CommandError) {
      let op = Operation.peerSet(dev: dev, id: config.id)
      let (link, codec) = try ctx.ovpnLink(dev, op)
      // The ovpn-dco-v2 codec refuses what its SET_PEER cannot change.
      try checkTxID(config.txID, codec, ctx, op, set: true)
      try ctx.send(op, link, codec, peer: config.id) { () throws(NetlinkError) in
        try codec.setPeer(ifindex: link.index, config)
      }
    }
  }

  struct DeleteRequest: CommandRequest, Equatable {
    var dev: String
    var id: UInt32

    static func parse(_ args: Arguments) throws(UsageError) -> DeleteRequest {
      DeleteRequest(dev: try args.require("dev"), id: try args.requirePeerID("id"))
    }

    func run(_ ctx: Context) throws(CommandError) {
      try ctx.send(.peerDel(dev: dev, id: id), dev: dev, peer: id) { (link, codec) throws(NetlinkError) in
        try codec.deletePeer(ifindex: link.index, id: id)
      }
    }
  }

  struct ShowRequest: CommandRequest, Equatable {
    var peers: PeerSelection

    static func parse(_ args: Arguments) throws(UsageError) -> ShowRequest {
      ShowRequest(peers: try PeerSelection.parse(args, id: "id"))
    }

    func run(_ ctx: Context) throws(CommandError) {
      let names = try StatusNames.load(peers.status)
      try PeerListing.show(dev: peers.dev, id: peers.id, configuration: true, status: names, ctx)
    }
  }
}
