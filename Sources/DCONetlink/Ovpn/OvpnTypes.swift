/// Values shared by both kernel APIs; each codec maps them to its own numbers.

public enum KeySlot: UInt8, Sendable, CaseIterable {
  case primary = 0
  case secondary = 1

  public var name: String { self == .primary ? "primary" : "secondary" }
}

public enum Cipher: UInt8, Sendable, CaseIterable {
  case aes128GCM, aes192GCM, aes256GCM, chacha20Poly1305

  public var name: String {
    switch self {
    case .aes128GCM: return "aes-128-gcm"
    case .aes192GCM: return "aes-192-gcm"
    case .aes256GCM: return "aes-256-gcm"
    case .chacha20Poly1305: return "chacha20-poly1305"
    }
  }

  public init?(name: String) {
    guard let c = Cipher.allCases.first(where: { $0.name == name }) else { return nil }
    self = c
  }

  /// The kernel's `ovpn_cipher_alg` (the key length selects the AES variant).
  public var algorithm: UInt32 { self == .chacha20Poly1305 ? 2 : 1 }
  public var keyLength: Int {
    switch self {
    case .aes128GCM: return 16
    case .aes192GCM: return 24
    case .aes256GCM, .chacha20Poly1305: return 32
    }
  }
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
  case teardown = 0, userspace, expired, transportError, transportDisconnect

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
  public var vpnRxBytes: UInt64 = 0
  public var vpnTxBytes: UInt64 = 0
  public var vpnRxPackets: UInt64 = 0
  public var vpnTxPackets: UInt64 = 0
  public var linkRxBytes: UInt64 = 0
  public var linkTxBytes: UInt64 = 0
  public var linkRxPackets: UInt64 = 0
  public var linkTxPackets: UInt64 = 0
  public init() {}
}

/// An attribute a decoder does not know (from a newer kernel): kept by
/// number and size only, so that a dump never fails on it.
public struct UnknownAttribute: Equatable, Sendable {
  public var type: UInt16
  public var length: Int
  public init(type: UInt16, length: Int) {
    self.type = type
    self.length = length
  }
}

/// A peer as the kernel reports it.
public struct Peer: Equatable, Sendable {
  public var id: UInt32
  public var txID: UInt32?
  public var remote: Endpoint?
  public var localAddress: IPAddress?
  public var localPort: UInt16?
  public var vpnIPv4: IPAddress?
  public var vpnIPv6: IPAddress?
  public var keepaliveInterval: UInt32?
  public var keepaliveTimeout: UInt32?
  public var socketNetnsID: Int32?
  public var stats = PeerStats()
  /// Peer attributes this version does not know, in the order they came.
  public var unknownAttributes: [UnknownAttribute] = []

  public init(id: UInt32) { self.id = id }
}

/// What `peer add` and `peer set` ask for; nil fields are not sent.
public struct PeerConfig: Equatable, Sendable {
  public var id: UInt32
  /// Transport socket descriptor (peer add only), in this process.
  public var socket: Int32?
  public var remote: Endpoint?
  public var localAddress: IPAddress?
  public var vpnIPv4: IPAddress?
  public var vpnIPv6: IPAddress?
  public var keepaliveInterval: UInt32?
  public var keepaliveTimeout: UInt32?
  public var txID: UInt32?

  public init(id: UInt32) { self.id = id }
}

/// A key to install in one slot of a peer. Material is key ‖ nonce tail per direction.
public struct KeyConfig {
  public var peerID: UInt32
  public var slot: KeySlot
  public var keyID: UInt8
  public var cipher: Cipher
  public var encrypt: SecretBytes
  public var decrypt: SecretBytes

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
  public var peerID: UInt32
  public var slot: KeySlot
  public var keyID: UInt32
  /// The kernel's cipher algorithm number.
  public var algorithm: UInt32
}

/// A multicast notification from the `peers` group.
public enum OvpnEvent: Equatable, Sendable {
  case peerDeleted(ifindex: UInt32, peerID: UInt32, reason: DeleteReason?)
  case keySwap(ifindex: UInt32, peerID: UInt32, keyID: UInt32)
  case peerFloat(ifindex: UInt32, peerID: UInt32, remote: Endpoint?)

  public var ifindex: UInt32 {
    switch self {
    case .peerDeleted(let i, _, _), .keySwap(let i, _, _), .peerFloat(let i, _, _): return i
    }
  }
  public var peerID: UInt32 {
    switch self {
    case .peerDeleted(_, let p, _), .keySwap(_, let p, _), .peerFloat(_, let p, _): return p
    }
  }
}

public let maxPeerID: UInt32 = 0xFF_FFFF
