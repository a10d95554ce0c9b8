import CMnl
import DCONetlink
import Glibc

/// A configuration file for one ovpn interface (setconf, syncconf, up): one
/// statement per line, in the words of the command line.
///
///     interface [ kind KIND ] [ mode MODE ] [ mtu MTU ]
///     address ADDR/PREFIX                      (up only)
///     route PREFIX [ via ADDR ]                (up only)
///     peer id ID ...                           (the keywords of peer add, without dev)
///     key peer ID slot SLOT key-id N cipher C encrypt FILE decrypt FILE
///
/// Parsing checks everything that can be checked without the kernel: each
/// line against the grammar of its command, unique peer ids and key slots,
/// keys for declared peers only, readable key files of the right length.
/// Every statement keeps `line`, its line number in the file (from 1), so
/// that a later step can still name the line it failed on.
struct ConfigFile: Equatable {
  /// `interface ...`: what the interface is created with; nil where the line leaves it out.
  struct Interface: Equatable {
    var kind: OvpnKind?
    var mode: OvpnMode?
    var mtu: UInt32?
    var line: Int
  }

  /// `route PREFIX [via ADDR]`, added once the interface is up.
  struct Route: Equatable {
    /// The destination as written, ADDR/LEN.
    var prefix: String
    /// The gateway, where the line names one.
    var via: String?
    var line: Int
  }

  /// `address ADDR/LEN` of the interface.
  struct Address: Equatable {
    /// As written, ADDR/LEN.
    var address: String
    var line: Int
  }

  /// `peer id ID ...`: one peer.
  struct PeerEntry: Equatable {
    /// The words after `peer`, as written: `peer add dev NAME` + these is the command.
    var words: [String]
    /// Those words as `peer add` parses them.
    var request: PeerCommands.AddRequest
    var line: Int

    var id: UInt32 { request.config.id }
  }

  /// `key peer ID slot SLOT ...`: one key of a declared peer.
  struct KeyEntry: Equatable {
    /// The line as `key add` parses it, its key file paths as the plan uses
    /// them (relative ones resolved against the file's folder).
    var key: KeyCommands.AddRequest
    var line: Int

    var peer: UInt32 { key.peer }
    var slot: KeySlot { key.slot }
    var keyID: UInt8 { key.keyID }
    var cipher: Cipher { key.cipher }
    var encrypt: String { key.encrypt }
    var decrypt: String { key.decrypt }

    /// `key add dev NAME` + these.
    var words: [String] {
      [
        "peer", String(peer), "slot", slot.name, "key-id", String(keyID), "cipher", cipher.name,
        "encrypt", encrypt, "decrypt", decrypt,
      ]
    }
  }

  /// A mistake in the file: `FILE:LINE: message`, exit status 1.
  struct LineError: Error, Equatable {
    var path: String
    var line: Int
    var message: String

    var usage: UsageError { UsageError("\(path):\(line): \(message)") }
  }

  var path: String
  var interface: Interface?
  var addresses: [Address] = []
  var routes: [Route] = []
  var peers: [PeerEntry] = []
  var keys: [KeyEntry] = []

  func peer(_ id: UInt32) -> PeerEntry? { peers.first { $0.id == id } }
  func keys(of id: UInt32) -> [KeyEntry] { keys.filter { $0.peer == id } }

  /// Reads and parses FILE (never `-`: key files are resolved against its folder).
  static func load(_ path: String, checkKeyFiles: Bool = true) throws(UsageError) -> ConfigFile {
    guard let text = readText(path) else {
      throw UsageError("cannot read configuration file \"\(path)\": \(errnoDescription(cmnl_errno()))")
    }
    do throws(LineError) {
      return try parse(text, path: path, checkKeyFiles: checkKeyFiles)
    } catch {
      throw error.usage
    }
  }

  static let statements = ["interface", "address", "route", "peer", "key"]

  static let interfaceSpec = Syntax(
    object: "interface",
    keywords: [
      KeywordSpec(name: "kind", values: [ValueSpec(metavar: "KIND", kind: .choice(Grammar.kinds))]),
      KeywordSpec(name: "mode", values: [ValueSpec(metavar: "MODE", kind: .choice(Grammar.modes))]),
      KeywordSpec(name: "mtu", values: [ValueSpec(metavar: "MTU", kind: .number)]),
    ])

  static let routeSpec = Syntax(
    object: "route", positional: ValueSpec(metavar: "PREFIX", kind: .address),
    positionalRequired: true,
    keywords: [KeywordSpec(name: "via", values: [ValueSpec(metavar: "ADDR", kind: .address)])])

  /// The keywords a peer line takes: those of `peer add`, but the interface
  /// comes from the command line and a descriptor means nothing in a file.
  static let peerSpec: Syntax = {
    let add = Grammar.peer.command("add")!.syntax
    let dropped = ["dev", "fd"]
    return Syntax(
      object: "peer", keywords: add.keywords.filter { !dropped.contains($0.name) },
      rules: add.rules.filter {
        if case .conflict(let c) = $0 { !dropped.contains(c.keyword) } else { true }
      })
  }()

  static let keySpec: Syntax = {
    let add = Grammar.key.command("add")!
    return Syntax(object: "key", keywords: add.keywords.filter { $0.name != "dev" })
  }()

  static func parse(_ text: String, path: String, checkKeyFiles: Bool = true) throws(LineError)
    -> ConfigFile
  {
    var file = ConfigFile(path: path)
    var number = 0
    var peerLines: [UInt32: Int] = [:]
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      let words = Batch.split(String(raw))
      guard let first = words.first else { continue }
      let rest = Array(words.dropFirst())
      let line = number
      func fail(_ message: String) -> LineError { LineError(path: path, line: line, message: message) }
      do throws(UsageError) {
        switch first {
        case "interface":
          if let earlier = file.interface {
            throw UsageError("a second \"interface\" line (the first is line \(earlier.line))")
          }
          let args = try Arguments(rest, syntax: interfaceSpec)
          file.interface = Interface(
            kind: try args.choice("kind").flatMap(OvpnKind.init(rawValue:)),
            mode: try args.choice("mode").map { $0 == "mp" ? OvpnMode.mp : .p2p },
            mtu: try args.number("mtu", 68...65535, what: "the MTU"), line: line)
        case "address":
          guard rest.count == 1 else { throw UsageError("\"address\" takes one ADDR/PREFIX") }
          try checkPrefix(rest[0], needsLength: false)
          file.addresses.append(Address(address: rest[0], line: line))
        case "route":
          let args = try Arguments(rest, syntax: routeSpec)
          let prefix = args.positional ?? ""
          try checkPrefix(prefix, needsLength: false)
          if let via = args.string("via") { _ = try args.address(via) }
          file.routes.append(Route(prefix: prefix, via: args.string("via"), line: line))
        case "peer":
          _ = try Arguments(rest, syntax: peerSpec)
          let request = try PeerCommands.parseAdd(
            try Arguments(["dev", "-"] + rest, spec: Grammar.peer.command("add")!))
          if let earlier = peerLines[request.config.id] {
            throw UsageError("peer id \(request.config.id) is already declared on line \(earlier)")
          }
          peerLines[request.config.id] = line
          file.peers.append(PeerEntry(words: rest, request: request, line: line))
        case "key":
          _ = try Arguments(rest, syntax: keySpec)
          var key = try KeyCommands.AddRequest.parse(
            try Arguments(["dev", "-"] + rest, spec: Grammar.key.command("add")!))
          let (peer, slot, keyID, cipher) = (key.peer, key.slot, key.keyID, key.cipher)
          if key.encrypt == "-" || key.decrypt == "-" {
            throw UsageError("a configuration file names key files; standard input (-) is not one")
          }
          if let other = file.keys.first(where: { $0.peer == peer && $0.slot == slot }) {
            throw UsageError("peer \(peer) has a \(slot.name) key already (line \(other.line))")
          }
          if let other = file.keys.first(where: { $0.peer == peer && $0.keyID == keyID }) {
            throw UsageError(
              "key-id \(keyID) is the \(other.slot.name) key's too (line \(other.line)); "
                + "the two slots of a peer need different key ids")
          }
          key.encrypt = resolve(key.encrypt, against: path)
          key.decrypt = resolve(key.decrypt, against: path)
          let entry = KeyEntry(key: key, line: line)
          if checkKeyFiles {
            // Read to check, then drop: the material is zeroed with its buffer.
            _ = try KeyFile.read(entry.encrypt, cipher: cipher, role: "encrypt")
            _ = try KeyFile.read(entry.decrypt, cipher: cipher, role: "decrypt")
          }
          file.keys.append(entry)
        default:
          let list = statements.map { "\"\($0)\"" }.joined(separator: ", ")
          throw UsageError("unknown statement \"\(first)\": a line starts with one of \(list)")
        }
      } catch {
        throw fail(error.message)
      }
    }
    for k in file.keys where peerLines[k.peer] == nil {
      throw LineError(path: path, line: k.line, message: "key for peer \(k.peer), which no peer line declares")
    }
    return file
  }

  /// `ADDR` or `ADDR/LEN` with LEN within the family's bits.
  static func checkPrefix(_ text: String, needsLength: Bool) throws(UsageError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count <= 2, let address = IPAddress(String(parts[0])) else {
      throw UsageError.wrong(text, "expected ADDR/PREFIX, e.g. 10.8.0.1/24 or fd00::1/64")
    }
    if parts.count == 2 {
      guard let bits = Int(parts[1]), bits >= 0, bits <= (address.isV4 ? 32 : 128) else {
        throw UsageError.wrong(text, "the prefix length is out of range")
      }
    } else if needsLength {
      throw UsageError.wrong(text, "a prefix length is needed")
    }
  }

  /// A relative key path is relative to the configuration file's folder.
  static func resolve(_ path: String, against config: String) -> String {
    guard !path.hasPrefix("/"), let slash = config.lastIndex(of: "/") else { return path }
    return String(config[...slash]) + path
  }

  static func readText(_ path: String) -> String? {
    guard let stream = fopen(path, "r") else { return nil }
    defer { fclose(stream) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = fread(&chunk, 1, chunk.count, stream)
      if n > 0 { bytes += chunk[0..<n] }
      if n < chunk.count { break }
    }
    if ferror(stream) != 0 { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }
}
