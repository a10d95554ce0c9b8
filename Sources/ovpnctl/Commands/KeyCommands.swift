import CMnl
import DCONetlink

/// `key add | swap | del | show | generate`.
enum KeyCommands {
  static func slot(_ args: Arguments) throws(UsageError) -> KeySlot? {
    try args.choice("slot").map { $0 == "primary" ? KeySlot.primary : KeySlot.secondary }
  }

  static func cipher(_ args: Arguments) throws(UsageError) -> Cipher {
    guard let name = try args.choice("cipher") else { throw .missing("cipher") }
    return Cipher(name: name)!
  }

  /// Everything about `key add` except the material, checked first so a
  /// bad argument never costs a key file read.
  static func parseAdd(_ args: Arguments) throws(UsageError) -> (String, UInt32, KeySlot, UInt8, Cipher, String, String) {
    let dev = try args.require("dev")
    let peer = try args.requirePeerID("peer")
    guard let slot = try slot(args) else { throw .missing("slot") }
    guard let keyID: UInt8 = try args.number("key-id", 0...7, what: "a key id") else {
      throw .missing("key-id")
    }
    let cipher = try cipher(args)
    let encrypt = try args.require("encrypt")
    let decrypt = try args.require("decrypt")
    if encrypt == "-" && decrypt == "-" {
      throw UsageError("standard input (-) can supply only one of encrypt and decrypt")
    }
    return (dev, peer, slot, keyID, cipher, encrypt, decrypt)
  }

  static func add(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let key: KeyConfig
    let dev: String
    do throws(UsageError) {
      let (d, peer, slot, keyID, cipher, encrypt, decrypt) = try parseAdd(args)
      dev = d
      if ctx.options.batch == "-" && (encrypt == "-" || decrypt == "-") {
        throw UsageError("standard input is the batch file; a key file cannot be \"-\" as well")
      }
      key = KeyConfig(
        peerID: peer, slot: slot, keyID: keyID, cipher: cipher,
        encrypt: try KeyFile.read(encrypt, cipher: cipher, role: "encrypt"),
        decrypt: try KeyFile.read(decrypt, cipher: cipher, role: "decrypt"))
    } catch {
      throw .usage(error)
    }
    let op = Operation.keyAdd(dev: dev, peer: key.peerID)
    let (link, codec) = try ctx.ovpnLink(dev, op)
    if let window = ctx.window {
      return try window.submit(op, link, codec, peer: key.peerID) { () throws(NetlinkError) in
        try codec.newKey(ifindex: link.index, key)
      }
    }
    try kernel(op) { () throws(NetlinkError) in try ctx.client.addKey(link, codec: codec, key) }
  }

  static func swap(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let dev: String
    let peer: UInt32
    do throws(UsageError) {
      dev = try args.require("dev")
      peer = try args.requirePeerID("peer")
    } catch {
      throw .usage(error)
    }
    let op = Operation.keySwap(dev: dev, peer: peer)
    let (link, codec) = try ctx.ovpnLink(dev, op)
    if let window = ctx.window {
      return try window.submit(op, link, codec, peer: peer) { () throws(NetlinkError) in
        try codec.swapKeys(ifindex: link.index, peerID: peer)
      }
    }
    try kernel(op) { () throws(NetlinkError) in try ctx.client.swapKeys(link, codec: codec, peerID: peer) }
  }

  static func delete(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let dev: String
    let peer: UInt32
    let s: KeySlot
    do throws(UsageError) {
      dev = try args.require("dev")
      peer = try args.requirePeerID("peer")
      guard let given = try slot(args) else { throw UsageError.missing("slot") }
      s = given
    } catch {
      throw .usage(error)
    }
    let op = Operation.keyDel(dev: dev, peer: peer)
    let (link, codec) = try ctx.ovpnLink(dev, op)
    if let window = ctx.window {
      return try window.submit(op, link, codec, peer: peer) { () throws(NetlinkError) in
        try codec.deleteKey(ifindex: link.index, peerID: peer, slot: s)
      }
    }
    try kernel(op) { () throws(NetlinkError) in
      try ctx.client.deleteKey(link, codec: codec, peerID: peer, slot: s)
    }
  }

  static func show(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let dev: String
    let peer: UInt32
    let only: KeySlot?
    do throws(UsageError) {
      dev = try args.require("dev")
      peer = try args.requirePeerID("peer")
      only = try slot(args)
    } catch {
      throw .usage(error)
    }
    let op = Operation.keyGet(dev: dev, peer: peer)
    let (link, codec) = try ctx.ovpnLink(dev, op)
    guard codec.canReadKeys else {
      throw .netlink(
        .unsupported("the ovpn-dco-v2 API cannot read keys back; key show needs the ovpn module"), op)
    }
    var keys: [KeyInfo] = []
    for s in only.map({ [$0] }) ?? KeySlot.allCases {
      if let k = try kernel(op, { () throws(NetlinkError) in
        try ctx.client.key(link, codec: codec, peerID: peer, slot: s)
      }) {
        keys.append(k)
      }
    }
    Terminal.write(KeyRenderer.render(link, keys, ctx.options))
  }

  static func generate(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let c: Cipher
    do throws(UsageError) { c = try cipher(args) } catch { throw .usage(error) }
    try KeyFile.writeOut(try KeyFile.generate(c))
  }
}
