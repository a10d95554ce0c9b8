import CMnl
import DCONetlink

/// `key add | swap | del | show | generate`.
enum KeyCommands {
  static func slot(_ args: Arguments) throws(UsageError) -> KeySlot? {
    try args.choice("slot").map { $0 == "primary" ? KeySlot.primary : KeySlot.secondary }
  }

  /// `dev NAME peer ID`, both required: the peer every key command names.
  static func requiredPeer(_ args: Arguments) throws(UsageError) -> (String, UInt32) {
    (try args.require("dev"), try args.requirePeerID("peer"))
  }

  /// `dev NAME peer ID slot SLOT`, each required: the key slot that key
  /// add and key del name.
  static func requiredSlot(_ args: Arguments) throws(UsageError) -> (String, UInt32, KeySlot) {
    let (dev, peer) = try requiredPeer(args)
    guard let slot = try slot(args) else { throw .missing("slot") }
    return (dev, peer, slot)
  }

  static func cipher(_ args: Arguments) throws(UsageError) -> Cipher {
    guard let name = try args.choice("cipher") else { throw .missing("cipher") }
    return Cipher(name: name)!
  }

  /// `key add`: everything but the material, which run() reads, so a bad
  /// argument never costs a key file read.
  struct AddRequest: CommandRequest, Equatable {
    var dev: String
    var peer: UInt32
    var slot: KeySlot
    var keyID: UInt8
    var cipher: Cipher
    /// The key files (`-`: standard input).
    var encrypt: String
    var decrypt: String

    static func parse(_ args: Arguments) throws(UsageError) -> AddRequest {
      let (dev, peer, slot) = try KeyCommands.requiredSlot(args)
      guard let keyID: UInt8 = try args.number("key-id", 0...7, what: "a key id") else {
        throw .missing("key-id")
      }
      let cipher = try KeyCommands.cipher(args)
      let encrypt = try args.require("encrypt")
      let decrypt = try args.require("decrypt")
      if encrypt == "-" && decrypt == "-" {
        throw UsageError("standard input (-) can supply only one of encrypt and decrypt")
      }
      return AddRequest(
        dev: dev, peer: peer, slot: slot, keyID: keyID, cipher: cipher, encrypt: encrypt,
        decrypt: decrypt)
    }

    func run(_ ctx: Context) throws(CommandError) {
      let key = try usage { () throws(UsageError) in
        if ctx.options.batch == "-" && (encrypt == "-" || decrypt == "-") {
          throw UsageError("standard input is the batch file; a key file cannot be \"-\" as well")
        }
        return try read()
      }
      try install(key, ctx)
    }

    /// The key, its material read from the two files, encrypt first;
    /// `warn` hears of key files that others may read.
    func read(warn: (String) -> Void = Terminal.err) throws(UsageError) -> KeyConfig {
      KeyConfig(
        peerID: peer, slot: slot, keyID: keyID, cipher: cipher,
        encrypt: try KeyFile.read(encrypt, cipher: cipher, role: "encrypt", warn: warn),
        decrypt: try KeyFile.read(decrypt, cipher: cipher, role: "decrypt", warn: warn))
    }

    func install(_ key: KeyConfig, _ ctx: Context) throws(CommandError) {
      try ctx.send(.keyAdd(dev: dev, peer: peer), dev: dev, peer: peer) { (link, codec) throws(NetlinkError) in
        try codec.newKey(ifindex: link.index, key)
      }
    }
  }

  /// A `key add` line of a batch whose key files were read ahead of it
  /// (BatchReadAhead): running it says what reading them said, at the
  /// point the line would have read them itself.
  struct PreparedAdd {
    let request: AddRequest
    /// The warnings reading the files gave, in order.
    let warnings: [String]
    let key: Result<KeyConfig, UsageError>

    func run(_ ctx: Context) throws(CommandError) {
      for w in warnings { Terminal.err(w) }
      switch key {
      case .success(let k): try request.install(k, ctx)
      case .failure(let e): throw .usage(e)
      }
    }
  }

  struct SwapRequest: CommandRequest, Equatable {
    var dev: String
    var peer: UInt32

    static func parse(_ args: Arguments) throws(UsageError) -> SwapRequest {
      let (dev, peer) = try KeyCommands.requiredPeer(args)
      return SwapRequest(dev: dev, peer: peer)
    }

    func run(_ ctx: Context) throws(CommandError) {
      try ctx.send(.keySwap(dev: dev, peer: peer), dev: dev, peer: peer) { (link, codec) throws(NetlinkError) in
        try codec.swapKeys(ifindex: link.index, peerID: peer)
      }
    }
  }

  struct DeleteRequest: CommandRequest, Equatable {
    var dev: String
    var peer: UInt32
    var slot: KeySlot

    static func parse(_ args: Arguments) throws(UsageError) -> DeleteRequest {
      let (dev, peer, slot) = try KeyCommands.requiredSlot(args)
      return DeleteRequest(dev: dev, peer: peer, slot: slot)
    }

    func run(_ ctx: Context) throws(CommandError) {
      try ctx.send(.keyDel(dev: dev, peer: peer), dev: dev, peer: peer) { (link, codec) throws(NetlinkError) in
        try codec.deleteKey(ifindex: link.index, peerID: peer, slot: slot)
      }
    }
  }

  struct ShowRequest: CommandRequest, Equatable {
    var dev: String
    var peer: UInt32
    /// nil: both slots.
    var slot: KeySlot?

    static func parse(_ args: Arguments) throws(UsageError) -> ShowRequest {
      let (dev, peer) = try KeyCommands.requiredPeer(args)
      return ShowRequest(dev: dev, peer: peer, slot: try KeyCommands.slot(args))
    }

    func run(_ ctx: Context) throws(CommandError) {
      let op = Operation.keyGet(dev: dev, peer: peer)
      let (link, codec) = try ctx.ovpnLink(dev, op)
      guard codec.canReadKeys else {
        throw .netlink(
          .unsupported("the ovpn-dco-v2 API cannot read keys back; key show needs the ovpn module"), op)
      }
      var keys: [KeyInfo] = []
      for s in slot.map({ [$0] }) ?? KeySlot.allCases {
        if let k = try kernel(
          op,
          { () throws(NetlinkError) in
            try ctx.client.key(link, codec: codec, peerID: peer, slot: s)
          })
        {
          keys.append(k)
        }
      }
      Terminal.write(KeyRenderer.render(link, keys, ctx.options))
    }
  }

  struct GenerateRequest: CommandRequest, Equatable {
    var cipher: Cipher

    static func parse(_ args: Arguments) throws(UsageError) -> GenerateRequest {
      GenerateRequest(cipher: try KeyCommands.cipher(args))
    }

    func run(_ ctx: Context) throws(CommandError) {
      try KeyFile.writeOut(try KeyFile.generate(cipher))
    }
  }
}
