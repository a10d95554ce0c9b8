/// The command grammar as data: the parser, the help text, the man page
/// and the shell completions are all checked against these tables.

/// What a keyword's value is, for parsing messages and completion.
enum ValueKind: Equatable, Sendable {
  case interface
  /// A name that does not exist yet (link add NAME).
  case newName
  case peerID
  case endpoint
  case localEndpoint
  case address
  case number
  case choice([String])
  case file
}

struct ValueSpec: Sendable {
  /// The placeholder in usage text: NAME, ID, ADDR:PORT, …
  let metavar: String
  let kind: ValueKind
}

struct KeywordSpec: Sendable {
  let name: String
  let values: [ValueSpec]
  var repeatable = false
}

struct CommandSpec: Sendable {
  let object: String
  /// The verb; "" for objects that take keywords directly (stats, monitor).
  let verb: String
  var aliases: [String] = []
  /// A leading positional argument (link NAME).
  var positional: ValueSpec? = nil
  var positionalRequired = false
  let keywords: [KeywordSpec]

  func keyword(_ name: String) -> KeywordSpec? { keywords.first { $0.name == name } }
}

struct ObjectSpec: Sendable {
  let name: String
  let commands: [CommandSpec]
  /// The grammar as printed by `ovpnctl OBJECT help`.
  let usage: String

  func command(_ verb: String) -> CommandSpec? {
    commands.first { $0.verb == verb || $0.aliases.contains(verb) }
  }
}

private func kw(_ name: String, _ values: (String, ValueKind)..., repeatable: Bool = false)
  -> KeywordSpec
{
  KeywordSpec(
    name: name, values: values.map { ValueSpec(metavar: $0.0, kind: $0.1) }, repeatable: repeatable)
}

enum Grammar {
  static let ciphers = ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "chacha20-poly1305"]
  static let slots = ["primary", "secondary"]
  static let kinds = ["ovpn", "ovpn-dco"]
  static let modes = ["p2p", "mp"]
  static let protocols = ["udp", "tcp"]

  static let dev = kw("dev", ("NAME", .interface))
  static let peerDev = kw("peer", ("ID", .peerID))
  static let keepalive = kw("keepalive", ("INTERVAL", .number), ("TIMEOUT", .number))
  static let vpnIP = kw("vpn-ip", ("ADDR", .address), repeatable: true)
  static let slot = kw("slot", ("SLOT", .choice(slots)))
  /// An OpenVPN server's status file: common names beside the peer ids.
  static let status = kw("status", ("FILE", .file))
  static let statusHelp =
    "status FILE := OpenVPN's --status file (--status-version 2 or 3): common names; needs dev"

  static let link = ObjectSpec(
    name: "link",
    commands: [
      CommandSpec(
        object: "link", verb: "add", positional: ValueSpec(metavar: "NAME", kind: .newName),
        positionalRequired: true,
        keywords: [
          kw("type", ("TYPE", .choice(kinds))), kw("mode", ("MODE", .choice(modes))),
          kw("mtu", ("MTU", .number)),
        ]),
      CommandSpec(
        object: "link", verb: "del", aliases: ["delete"],
        positional: ValueSpec(metavar: "NAME", kind: .interface), positionalRequired: true,
        keywords: []),
      CommandSpec(
        object: "link", verb: "show", aliases: ["list", "ls"],
        positional: ValueSpec(metavar: "NAME", kind: .interface), keywords: []),
    ],
    usage: """
      Usage: ovpnctl link add NAME [ type { ovpn | ovpn-dco } ] [ mode { p2p | mp } ] [ mtu MTU ]
             ovpnctl link del NAME
             ovpnctl link show [ NAME ]
             ovpnctl link help
      Without type, link add prefers ovpn (Linux >= 6.16) and falls back to ovpn-dco.
      """)

  static let peer = ObjectSpec(
    name: "peer",
    commands: [
      CommandSpec(
        object: "peer", verb: "add",
        keywords: [
          dev, kw("id", ("ID", .peerID)), kw("remote", ("ADDR:PORT", .endpoint)),
          kw("local", ("[ADDR]:PORT", .localEndpoint)), vpnIP, keepalive,
          kw("tx-id", ("ID", .peerID)), kw("proto", ("PROTO", .choice(protocols))),
          kw("listen", ("[ADDR]:PORT", .localEndpoint)), kw("fd", ("N", .number)),
          kw("mark", ("MARK", .number)),
        ]),
      CommandSpec(
        object: "peer", verb: "set",
        keywords: [
          dev, kw("id", ("ID", .peerID)), kw("remote", ("ADDR:PORT", .endpoint)),
          kw("local", ("ADDR", .address)), vpnIP, keepalive, kw("tx-id", ("ID", .peerID)),
        ]),
      CommandSpec(
        object: "peer", verb: "del", aliases: ["delete"],
        keywords: [dev, kw("id", ("ID", .peerID))]),
      CommandSpec(
        object: "peer", verb: "show", aliases: ["list", "ls"],
        keywords: [dev, kw("id", ("ID", .peerID)), status]),
    ],
    usage: """
      Usage: ovpnctl peer add dev NAME id ID remote ADDR:PORT [ local [ADDR]:PORT ] [ vpn-ip ADDR ]...
                              [ keepalive INTERVAL TIMEOUT ] [ tx-id ID ] [ mark MARK ]
             ovpnctl peer add dev NAME id ID proto tcp { remote ADDR:PORT | listen [ADDR]:PORT }
                              [ vpn-ip ADDR ]... [ keepalive INTERVAL TIMEOUT ] [ tx-id ID ]
                              [ mark MARK ]
             ovpnctl peer add dev NAME id ID fd N [ remote ADDR:PORT ] [ vpn-ip ADDR ]...
                              [ keepalive INTERVAL TIMEOUT ] [ tx-id ID ]
             ovpnctl peer set dev NAME id ID [ remote ADDR:PORT ] [ local ADDR ] [ vpn-ip ADDR ]...
                              [ keepalive INTERVAL TIMEOUT ] [ tx-id ID ]
             ovpnctl peer del dev NAME id ID
             ovpnctl peer show [ dev NAME ] [ id ID ] [ status FILE ]
             ovpnctl peer help
      Where: ID := 0..16777215
             ADDR:PORT := { IPV4:PORT | [IPV6]:PORT | [IPV6%IFNAME]:PORT | [IPV6%INDEX]:PORT }
             MARK := SO_MARK of the socket ovpnctl opens, 0..0xffffffff (not with fd)
             proto := { udp | tcp }   (udp unless given)
             \(statusHelp)
      """)

  static let key = ObjectSpec(
    name: "key",
    commands: [
      CommandSpec(
        object: "key", verb: "add",
        keywords: [
          dev, peerDev, slot, kw("key-id", ("KEYID", .number)),
          kw("cipher", ("CIPHER", .choice(ciphers))), kw("encrypt", ("FILE", .file)),
          kw("decrypt", ("FILE", .file)),
        ]),
      CommandSpec(object: "key", verb: "swap", keywords: [dev, peerDev]),
      CommandSpec(object: "key", verb: "del", aliases: ["delete"], keywords: [dev, peerDev, slot]),
      CommandSpec(object: "key", verb: "show", aliases: ["list", "ls"], keywords: [dev, peerDev, slot]),
      CommandSpec(
        object: "key", verb: "generate", keywords: [kw("cipher", ("CIPHER", .choice(ciphers)))]),
    ],
    usage: """
      Usage: ovpnctl key add dev NAME peer ID slot { primary | secondary } key-id 0..7
                             cipher CIPHER encrypt FILE decrypt FILE
             ovpnctl key swap dev NAME peer ID
             ovpnctl key del dev NAME peer ID slot { primary | secondary }
             ovpnctl key show dev NAME peer ID [ slot { primary | secondary } ]
             ovpnctl key generate cipher CIPHER
             ovpnctl key help
      Where: CIPHER := { aes-128-gcm | aes-192-gcm | aes-256-gcm | chacha20-poly1305 }
             FILE := a file holding one line of base64 (key followed by 8-byte nonce tail), or -
                     for standard input; the encrypt file of one end is the decrypt file of the other
      """)

  static let stats = ObjectSpec(
    name: "stats",
    commands: [
      CommandSpec(
        object: "stats", verb: "", aliases: ["show", "list", "ls"],
        keywords: [dev, peerDev, status])
    ],
    usage: """
      Usage: ovpnctl stats [ dev NAME ] [ peer ID ] [ status FILE ]
             ovpnctl stats help
      Where: \(statusHelp)
      """)

  static let monitor = ObjectSpec(
    name: "monitor",
    commands: [CommandSpec(object: "monitor", verb: "", keywords: [dev, status])],
    usage: """
      Usage: ovpnctl monitor [ dev NAME ] [ status FILE ]
             ovpnctl monitor help
      Events: peer-del (with reason), key-swap, peer-float, lost-events (followed by a resync).
      Where: \(statusHelp)
      """)

  static let metrics = ObjectSpec(
    name: "metrics",
    commands: [
      CommandSpec(object: "metrics", verb: "serve", keywords: [kw("listen", ("[ADDR]:PORT", .localEndpoint))])
    ],
    usage: """
      Usage: ovpnctl metrics serve [ listen [ADDR]:PORT ]
             ovpnctl metrics help
      Serves the Prometheus exposition at /metrics over HTTP, on 127.0.0.1:9176 unless
      listen says otherwise (:PORT for every address), until SIGINT or SIGTERM.
      The same exposition, once, without event counters: ovpnctl -prometheus stats
      """)

  static let top = ObjectSpec(
    name: "top",
    commands: [
      CommandSpec(
        object: "top", verb: "",
        keywords: [dev, kw("interval", ("SECS", .number)), kw("count", ("N", .number))])
    ],
    usage: """
      Usage: ovpnctl top [ dev NAME ] [ interval SECS ] [ count N ]
             ovpnctl top help
      Per-peer rates, busiest first, every SECS seconds (default 2). On a terminal it
      redraws in place until q or ^C; otherwise it prints a block per interval, N of them.
      """)


  static let configFile = ValueSpec(metavar: "FILE", kind: .file)

  static let showconf = ObjectSpec(
    name: "showconf",
    commands: [CommandSpec(object: "showconf", verb: "", keywords: [dev])],
    usage: """
      Usage: ovpnctl showconf dev NAME
             ovpnctl showconf help
      Prints the interface as a configuration file (see ovpnctl(8), CONFIGURATION FILE);
      what the kernel cannot report (key files; keys at all on ovpn-dco) is said in comments.
      """)

  static let setconf = ObjectSpec(
    name: "setconf",
    commands: [
      CommandSpec(
        object: "setconf", verb: "", positional: configFile, positionalRequired: true, keywords: [dev])
    ],
    usage: """
      Usage: ovpnctl [ -dry-run ] setconf dev NAME FILE
             ovpnctl setconf help
      Makes the interface's peers and keys exactly what FILE says: every peer is added anew.
      """)

  static let syncconf = ObjectSpec(
    name: "syncconf",
    commands: [
      CommandSpec(
        object: "syncconf", verb: "", positional: configFile, positionalRequired: true,
        keywords: [dev, kw("rekey", ("ID", .peerID), ("SLOT", .choice(slots)), repeatable: true)])
    ],
    usage: """
      Usage: ovpnctl [ -dry-run ] syncconf dev NAME FILE [ rekey ID { primary | secondary } ]...
             ovpnctl syncconf help
      Changes only what differs from FILE: unchanged peers keep their traffic. Keys are installed
      for new peers and where a slot's key-id or cipher differs; ovpn-dco cannot report keys, so
      there a kept peer's key is installed only when rekey names its slot.
      """)

  static let up = ObjectSpec(
    name: "up",
    commands: [
      CommandSpec(object: "up", verb: "", positional: configFile, positionalRequired: true, keywords: [])
    ],
    usage: """
      Usage: ovpnctl [ -dry-run ] up FILE
             ovpnctl up help
      Creates interface NAME from FILE (/etc/ovpnctl/NAME.conf): link, addresses, peers, keys,
      routes. On a failure the link is deleted again.
      """)

  static let down = ObjectSpec(
    name: "down",
    commands: [
      CommandSpec(
        object: "down", verb: "", positional: ValueSpec(metavar: "NAME", kind: .interface),
        positionalRequired: true, keywords: [])
    ],
    usage: """
      Usage: ovpnctl [ -dry-run ] down { NAME | FILE }
             ovpnctl down help
      Deletes the interface; its peers, addresses, routes and socket keeper go with it.
      """)

  static let objects = [link, peer, key, stats, monitor, metrics, top, showconf, setconf, syncconf, up, down]

  static func object(_ name: String) -> ObjectSpec? { objects.first { $0.name == name } }

  static let mainUsage = """
    Usage: ovpnctl [ OPTIONS ] OBJECT { COMMAND | help }
           ovpnctl [ OPTIONS ] -batch FILE
    where  OBJECT := { link | peer | key | stats | monitor | metrics | top | showconf | setconf |
                       syncconf | up | down }
           OPTIONS := { -j[son] | -p[retty] | -prom[etheus] | -s[tats] | -d[etails] |
                        -n[etns] NAME | -force | -dry-run | -rcvbuf SIZE | -V[ersion] | -h[elp] }
    """

  /// Global options as the parser accepts them (for docs and completion).
  static let options: [(names: [String], takesValue: Bool)] = [
    (["-j", "-json"], false), (["-p", "-pretty"], false), (["-prom", "-prometheus"], false),
    (["-s", "-stats"], false), (["-d", "-details"], false), (["-n", "-netns"], true),
    (["-force"], false), (["-dry-run"], false),
    (["-batch"], true), (["-rcvbuf"], true), (["-V", "-Version"], false), (["-h", "-help"], false),
  ]
}
