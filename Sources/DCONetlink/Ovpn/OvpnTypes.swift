/// Values shared by both kernel APIs; each codec maps them to its own numbers.

public enum KeySlot: UInt8, Sendable, CaseIterable {
  /// The slot whose key encrypts; it decrypts too.
  case primary = 0
  /// The standby slot: its key decrypts, and encrypts once a key swap makes it primary.
  case secondary = 1

  /// `primary` or `secondary`.
  public var name: String { self == .primary ? "primary" : "secondary" }
}

/// A data channel AEAD cipher that both kernel APIs support.
public enum Cipher: UInt8, Sendable, CaseIterable {
  /// AES-GCM with a 128-, 192- or 256-bit key, and ChaCha20-Poly1305.
  case aes128GCM, aes192GCM, aes256GCM, chacha20Poly1305

  /// The OpenVPN name: `aes-128-gcm`, `aes-192-gcm`, `aes-256-gcm` or `chacha20-poly1305`.
  public var name: String {
    switch self {
    case .aes128GCM: return "aes-128-gcm"
    case .aes192GCM: return "aes-192-gcm"
    case .aes256GCM: return "aes-256-gcm"
    case .chacha20Poly1305: return "chacha20-poly1305"
    }
  }

  /// The cipher with that OpenVPN `name` (exact match); nil for any other string.
  public init?(name: String) {
    guard let c = Cipher.allCases.first(where: { $0.name == name }) else { return nil }
    self = c
  }

  /// The kernel's `ovpn_cipher_alg` (the key length selects the AES variant).
  public var algorithm: UInt32 { self == .chacha20Poly1305 ? 2 : 1 }
  /// Key bytes per direction: 16, 24 or 32 for AES-GCM, 32 for ChaCha20-Poly1305.
  public var keyLength: Int {
    switch self {
    case .aes128GCM: return 16
    case .aes192GCM: return 24
    case .aes256GCM, .chacha20Poly1305: return 32
    }
  }
  /// Nonce tail bytes per direction, the same for every cipher.
  public static let nonceTailLength = 8
  /// Key plus nonce tail: the length of one direction's material.
  public var materialLength: Int { keyLength + Cipher.nonceTailLength }

  /// The cipher as the kernel reports it: algorithm only, so AES size is unknown.
  public static func fromAlgorithm(_ alg: UInt32) -> String? {
    switch alg {
    case 1: return "aes-gcm"
    case 2: return "chacha20-poly1305"
    case 0: return "none"
    default: return nil
    }
  }
}

/// Why the kernel removed a peer (`ovpn_del_peer_reason`).
public enum DeleteReason: UInt32, Sendable {
  /// `teardown`: the interface went, or a p2p peer was replaced; `userspace`: a delete request;
  /// `expired`: keepalive timeout; `transportError`: TCP failure; `transportDisconnect`: socket closed (upstream only).
  case teardown = 0
  case userspace, expired, transportError, transportDisconnect

  /// `teardown`, `userspace`, `expired`, `transport-error` or `transport-disconnect`.
  public var name: String {
    switch self {
    case .teardown: return "teardown"
    case .userspace: return "userspace"
    case .expired: return "expired"
    case .transportError: return "transport-error"
    case .transportDisconnect: return "transport-disconnect"
    }
  }
}

/// Per-peer counters: VPN (tunnel side, plaintext) and link (transport side).
public struct PeerStats: Equatable, Sendable {
  /// Tunnel side: plaintext bytes received from the peer.
  public var vpnRxBytes: UInt64 = 0
  /// Tunnel side: plaintext bytes sent to the peer.
  public var vpnTxBytes: UInt64 = 0
  /// Tunnel side: packets received from the peer.
  public var vpnRxPackets: UInt64 = 0
  /// Tunnel side: packets sent to the peer.
  public var vpnTxPackets: UInt64 = 0
  /// Transport side: bytes received from the peer on its transport socket.
  public var linkRxBytes: UInt64 = 0
  /// Transport side: bytes sent to the peer on its transport socket.
  public var linkTxBytes: UInt64 = 0
  /// Transport side: packets received from the peer.
  public var linkRxPackets: UInt64 = 0
  /// Transport side: packets sent to the peer.
  public var linkTxPackets: UInt64 = 0
  /// Every counter at zero; a counter the kernel does not send stays zero.
  public init() {}
}

/// An attribute a decoder does not know (from a newer kernel): kept by
/// number and size only, so that a dump never fails on it.
public struct UnknownAttribute: Equatable, Sendable {
  /// The attribute number, with NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off.
  public var type: UInt16
  /// The payload length in bytes.
  public var length: Int
  /// An unknown attribute of number `type` with `length` payload bytes.
  public init(type: UInt16, length: Int) {
    self.type = type
    self.length = length
  }
}

/// A peer as the kernel reports it.
public struct Peer: Equatable, Sendable {
  /// The peer id on its interface.
  public var id: UInt32
  /// The id put on packets sent to the peer (upstream, Linux 7.1+); nil when not reported.
  public var txID: UInt32?
  /// The peer's transport address and port; nil when not reported.
  public var remote: Endpoint?
  /// The local address packets to the peer are sent from; nil when not reported.
  public var localAddress: IPAddress?
  /// The local transport port, in host byte order; nil when not reported.
  public var localPort: UInt16?
  /// The peer's IPv4 address inside the tunnel; nil when it has none.
  public var vpnIPv4: IPAddress?
  /// The peer's IPv6 address inside the tunnel; nil when it has none.
  public var vpnIPv6: IPAddress?
  /// Seconds without sending after which the kernel sends a keepalive; nil when not reported.
  public var keepaliveInterval: UInt32?
  /// Seconds without receiving after which the kernel removes the peer (reason `expired`);
  /// nil when not reported.
  public var keepaliveTimeout: UInt32?
  /// The netns id of the namespace the peer's transport socket lives in (upstream only);
  /// nil when not reported.
  public var socketNetnsID: Int32?
  /// The peer's tunnel and transport counters.
  public var stats = PeerStats()
  /// Peer attributes this version does not know, in the order they came.
  public var unknownAttributes: [UnknownAttribute] = []

  /// A peer `id` with nothing else known.
  public init(id: UInt32) { self.id = id }
}

/// What `peer add` and `peer set` ask for; nil fields are not sent.
public struct PeerConfig: Equatable, Sendable {
  /// The peer to add or change.
  public var id: UInt32
  /// Transport socket descriptor (peer add only), in this process.
  public var socket: Int32?
  /// The peer's transport address and port.
  public var remote: Endpoint?
  /// The local address to send to the peer from (legacy: peer add only).
  public var localAddress: IPAddress?
  /// The peer's IPv4 address inside the tunnel (legacy: peer add only).
  public var vpnIPv4: IPAddress?
  /// The peer's IPv6 address inside the tunnel (legacy: peer add only).
  public var vpnIPv6: IPAddress?
  /// Seconds without sending after which the kernel sends a keepalive; 0 turns it off.
  /// Give it with `keepaliveTimeout`: the legacy API sets the two only as a pair.
  public var keepaliveInterval: UInt32?
  /// Seconds without receiving after which the kernel removes the peer (reason `expired`); 0 turns it off.
  public var keepaliveTimeout: UInt32?
  /// The id to put on packets sent to the peer, where it differs from `id`. Upstream only, on modules
  /// whose policy lists it (`OvpnFeatures.txID`, `txIDOnSet`); the legacy API refuses it.
  public var txID: UInt32?

  /// A configuration for peer `id` with nothing else set.
  public init(id: UInt32) { self.id = id }
}

/// A key to install in one slot of a peer. Material is key ‖ nonce tail per direction.
public struct KeyConfig {
  /// The peer the key is for.
  public var peerID: UInt32
  /// The slot it goes into, replacing any key there.
  public var slot: KeySlot
  /// The key id every data packet carries, 0 to 7; the two slots must hold different ids.
  public var keyID: UInt8
  /// The cipher, which fixes the material length (`Cipher.materialLength`).
  public var cipher: Cipher
  /// Material for packets to the peer: key, then nonce tail.
  public var encrypt: SecretBytes
  /// Material for packets from the peer: key, then nonce tail.
  public var decrypt: SecretBytes

  /// A key to install; material of the wrong length fails with `.malformed` when it is added.
  public init(
    peerID: UInt32, slot: KeySlot, keyID: UInt8, cipher: Cipher, encrypt: SecretBytes,
    decrypt: SecretBytes
  ) {
    self.peerID = peerID
    self.slot = slot
    self.keyID = keyID
    self.cipher = cipher
    self.encrypt = encrypt
    self.decrypt = decrypt
  }
}

/// What KEY_GET reports: never material.
public struct KeyInfo: Equatable, Sendable {
  /// The peer the key belongs to.
  public var peerID: UInt32
  /// The slot the key is in.
  public var slot: KeySlot
  /// The key id the peer's data packets carry for this key.
  public var keyID: UInt32
  /// The kernel's cipher algorithm number.
  public var algorithm: UInt32
}

/// A multicast notification from the `peers` group.
public enum OvpnEvent: Equatable, Sendable {
  /// The kernel removed a peer; `reason` is nil when none came or its value is unknown. Both APIs.
  case peerDeleted(ifindex: UInt32, peerID: UInt32, reason: DeleteReason?)
  /// The peer's primary key `keyID` ran out of packet ids: a new key should be installed and swapped in.
  /// Upstream only.
  case keySwap(ifindex: UInt32, peerID: UInt32, keyID: UInt32)
  /// Authenticated packets from the peer now come from `remote`, which the kernel adopted
  /// (nil if the notification carried no complete address). Upstream, Linux 7.1+ only.
  case peerFloat(ifindex: UInt32, peerID: UInt32, remote: Endpoint?)

  /// The index of the interface the event is about.
  public var ifindex: UInt32 {
    switch self {
    case .peerDeleted(let i, _, _), .keySwap(let i, _, _), .peerFloat(let i, _, _): return i
    }
  }
  /// The id of the peer the event is about.
  public var peerID: UInt32 {
    switch self {
    case .peerDeleted(_, let p, _), .keySwap(_, let p, _), .peerFloat(_, let p, _): return p
    }
  }
}

/// The largest peer id: data packets carry the peer id in 24 bits.
public let maxPeerID: UInt32 = 0xFF_FFFF
