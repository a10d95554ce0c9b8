/// The command grammar as data: every object, command, keyword, value kind,
/// conflict rule and global option, with the handler that runs each
/// command. The parser, the router, the help text, the completion data and
/// the man page check read these tables and nothing else.

private func kw(_ name: String, _ values: (String, ValueKind)..., repeatable: Bool = false)
  -> KeywordSpec
{
  KeywordSpec(
    name: name, values: values.map { ValueSpec(metavar: $0.0, kind: $0.1) }, repeatable: repeatable)
}

enum Grammar {
  static let ciphers = Choice(
    name: "cipher", values: ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "chacha20-poly1305"])
  static let slots = Choice(name: "slot", values: ["primary", "secondary"])
  static let kinds = Choice(name: "type", values: ["ovpn", "ovpn-dco"])
  static let modes = Choice(name: "mode", values: ["p2p", "mp"])
  static let protocols = Choice(name: "proto", values: ["udp", "tcp"])
  /// Every choice, in the order the completion data lists them.
  static let choices = [kinds, modes, protocols, slots, ciphers]

  static let dev = kw("dev", ("NAME", .interface))
  /// `peer ID` of the key, stats and showconf commands.
  static let peerID = kw("peer", ("ID", .peerID))
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
        "link", "add", positional: ValueSpec(metavar: "NAME", kind: .newName),
        positionalRequired: true,
        keywords: [
          kw("type", ("TYPE", .choice(kinds))), kw("mode", ("MODE", .choice(modes))),
          kw("mtu", ("MTU", .number)),
        ], request: LinkCommands.AddRequest.self),
      CommandSpec(
        "link", "del", aliases: ["delete"],
        positional: ValueSpec(metavar: "NAME", kind: .interface), positionalRequired: true,
        request: LinkCommands.DeleteRequest.self),
      CommandSpec(
        "link", "show", aliases: ["list", "ls"],
        positional: ValueSpec(metavar: "NAME", kind: .interface), prometheus: true,
        request: LinkCommands.ShowRequest.self),
    ],
    usage: """
      Usage: ovpnctl link add NAME [ type { ovpn | ovpn-dco } ] [ mode { p2p | mp } ] [ mtu MTU ]
             ovpnctl link del NAME
             ovpnctl link show [ NAME ]
             ovpnctl link help
      Without type, link add prefers ovpn (Linux >= 6.16) and falls back to ovpn-dco.
      """)

  /// `fd` takes an existing socket, so nothing about opening one applies.
  private static let fdConflicts = ["proto", "listen", "local"].map {
    Rule.conflict(
      "fd", $0, "\"fd\" takes an existing socket: proto, listen and local do not apply")
  }

  static let peer = ObjectSpec(
    name: "peer",
    commands: [
      CommandSpec(
        "peer", "add",
        keywords: [
          dev, kw("id", ("ID", .newPeerID)), kw("remote", ("ADDR:PORT", .endpoint)),
          kw("local", ("[ADDR]:PORT", .localEndpoint)), vpnIP, keepalive,
          kw("tx-id", ("ID", .newPeerID)), kw("proto", ("PROTO", .choice(protocols))),
          kw("listen", ("[ADDR]:PORT", .localEndpoint)), kw("fd", ("N", .number)),
          kw("mark", ("MARK", .number)),
        ],
        rules: fdConflicts + [
          .conflict(
            "fd", "mark",
            "\"mark\" applies to the sockets ovpnctl opens; set SO_MARK on the socket given with \"fd\""),
          .requires(
            keyword: "listen", other: "proto", value: "tcp", message: "\"listen\" needs \"proto tcp\""),
          .conflict("listen", "remote", "proto tcp takes either \"remote\" or \"listen\", not both"),
          .conflict("listen", "local", "\"listen\" already names the local address; drop \"local\""),
        ], request: PeerCommands.AddRequest.self),
      CommandSpec(
        "peer", "set",
        keywords: [
          dev, kw("id", ("ID", .peerID)), kw("remote", ("ADDR:PORT", .endpoint)),
          kw("local", ("ADDR", .address)), vpnIP, keepalive, kw("tx-id", ("ID", .newPeerID)),
        ], request: PeerCommands.SetRequest.self),
      CommandSpec(
        "peer", "del", aliases: ["delete"], keywords: [dev, kw("id", ("ID", .peerID))],
        request: PeerCommands.DeleteRequest.self),
      CommandSpec(
        "peer", "show", aliases: ["list", "ls"], keywords: [dev, kw("id", ("ID", .peerID)), status],
        request: PeerCommands.ShowRequest.self),
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
        "key", "add",
        keywords: [
          dev, peerID, slot, kw("key-id", ("KEYID", .keyID)),
          kw("cipher", ("CIPHER", .choice(ciphers))), kw("encrypt", ("FILE", .file)),
          kw("decrypt", ("FILE", .file)),
        ], request: KeyCommands.AddRequest.self),
      CommandSpec("key", "swap", keywords: [dev, peerID], request: KeyCommands.SwapRequest.self),
      CommandSpec(
        "key", "del", aliases: ["delete"], keywords: [dev, peerID, slot], request: KeyCommands.DeleteRequest.self),
      CommandSpec(
        "key", "show", aliases: ["list", "ls"], keywords: [dev, peerID, slot],
        request: KeyCommands.ShowRequest.self),
      CommandSpec(
        "key", "generate", keywords: [kw("cipher", ("CIPHER", .choice(ciphers)))],
        request: KeyCommands.GenerateRequest.self),
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
        "stats", "", aliases: ["show", "list", "ls"], keywords: [dev, peerID, status],
        prometheus: true, request: StatsCommand.Request.self)
    ],
    usage: """
      Usage: ovpnctl stats [ dev NAME ] [ peer ID ] [ status FILE ]
             ovpnctl stats help
      Where: \(statusHelp)
      """)

  static let monitor = ObjectSpec(
    name: "monitor",
    commands: [CommandSpec("monitor", "", keywords: [dev, status], request: MonitorCommand.Request.self)],
    usage: """
      Usage: ovpnctl monitor [ dev NAME ] [ status FILE ]
             ovpnctl monitor help
      Events: peer-del (with reason), key-swap, peer-float, lost-events (followed by a resync).
      Where: \(statusHelp)
      """)

  static let metrics = ObjectSpec(
    name: "metrics",
    commands: [
      CommandSpec(
        "metrics", "serve", keywords: [kw("listen", ("[ADDR]:PORT", .localEndpoint))],
        prometheus: true, request: MetricsCommand.Request.self)
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
        "top", "", keywords: [dev, kw("interval", ("SECS", .number)), kw("count", ("N", .number))],
        request: TopCommand.Request.self)
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
    commands: [CommandSpec("showconf", "", keywords: [dev], request: ConfigCommands.ShowRequest.self)],
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
        "setconf", "", positional: configFile, positionalRequired: true, keywords: [dev], plans: true,
        request: ConfigCommands.SetRequest.self)
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
        "syncconf", "", positional: configFile, positionalRequired: true,
        keywords: [dev, kw("rekey", ("ID", .peerID), ("SLOT", .choice(slots)), repeatable: true)],
        plans: true, request: ConfigCommands.SyncRequest.self)
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
      CommandSpec(
        "up", "", positional: configFile, positionalRequired: true, plans: true,
        request: ConfigCommands.UpRequest.self)
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
        "down", "", positional: ValueSpec(metavar: "NAME", kind: .interface),
        positionalRequired: true, plans: true, request: ConfigCommands.DownRequest.self)
    ],
    usage: """
      Usage: ovpnctl [ -dry-run ] down { NAME | FILE }
             ovpnctl down help
      Deletes the interface; its peers, addresses, routes and socket keeper go with it.
      """)

  static let objects = [link, peer, key, stats, monitor, metrics, top, showconf, setconf, syncconf, up, down]

  /// The object named `name`. A switch rather than a search of `objects`:
  /// a command line builds only its own object's table, not all twelve
  /// (start-up; GrammarTableTests holds the two to each other).
  static func object(_ name: String) -> ObjectSpec? {
    switch name {
    case "link": link
    case "peer": peer
    case "key": key
    case "stats": stats
    case "monitor": monitor
    case "metrics": metrics
    case "top": top
    case "showconf": showconf
    case "setconf": setconf
    case "syncconf": syncconf
    case "up": up
    case "down": down
    default: nil
    }
  }

  static let mainUsage = """
    Usage: ovpnctl [ OPTIONS ] OBJECT { COMMAND | help }
           ovpnctl [ OPTIONS ] -batch FILE
    where  OBJECT := { link | peer | key | stats | monitor | metrics | top | showconf | setconf |
                       syncconf | up | down }
           OPTIONS := { -j[son] | -p[retty] | -prom[etheus] | -s[tats] | -d[etails] |
                        -n[etns] NAME | -force | -dry-run | -rcvbuf SIZE | -V[ersion] | -h[elp] }
    """

  /// The global options, in the order the completion data lists them.
  static let options: [OptionSpec] = [
    OptionSpec(name: .json, spellings: ["-j", "-json"]),
    OptionSpec(name: .pretty, spellings: ["-p", "-pretty"]),
    OptionSpec(name: .prometheus, spellings: ["-prom", "-prometheus"]),
    OptionSpec(name: .stats, spellings: ["-s", "-stats", "-statistics"]),
    OptionSpec(name: .details, spellings: ["-d", "-details"]),
    OptionSpec(name: .force, spellings: ["-force"]),
    OptionSpec(name: .dryRun, spellings: ["-dry-run"]),
    OptionSpec(name: .version, spellings: ["-V", "-Version", "-version"]),
    OptionSpec(name: .help, spellings: ["-h", "-help"]),
    OptionSpec(name: .netns, spellings: ["-n", "-netns"], value: .netns),
    OptionSpec(name: .batch, spellings: ["-b", "-batch"], value: .file),
    OptionSpec(name: .rcvbuf, spellings: ["-rcvbuf"], value: .number),
  ]

  /// The option spelled `word` (one leading dash; Options strips a second).
  static func option(_ word: String) -> OptionSpec? {
    options.first { $0.spellings.contains(word) }
  }
}
