// The numbers of the ovpn-dco-v2 API, as its uapi header ovpn_dco.h gives
// them: commands, each command's container attribute, and the attributes
// inside each container.

extension LegacyCodec {
  enum Command {
    static let newPeer: UInt8 = 1, setPeer: UInt8 = 2, delPeer: UInt8 = 3, newKey: UInt8 = 4
    static let swapKeys: UInt8 = 5, delKey: UInt8 = 6, getPeer: UInt8 = 7
  }
  /// Top-level container attributes.
  enum Container {
    static let newPeer: UInt16 = 2, setPeer: UInt16 = 3, delPeer: UInt16 = 4, newKey: UInt16 = 5
    static let swapKeys: UInt16 = 6, delKey: UInt16 = 7, getPeer: UInt16 = 8
  }
  enum NewPeer {
    static let peerID: UInt16 = 1, sockaddrRemote: UInt16 = 2, socket: UInt16 = 3
    static let ipv4: UInt16 = 4, ipv6: UInt16 = 5, localIP: UInt16 = 6
  }
  enum SetPeer { static let peerID: UInt16 = 1, interval: UInt16 = 2, timeout: UInt16 = 3 }
  enum DelPeer { static let reason: UInt16 = 1, peerID: UInt16 = 2 }
  enum NewKey {
    static let peerID: UInt16 = 1, slot: UInt16 = 2, keyID: UInt16 = 3, cipher: UInt16 = 4
    static let encrypt: UInt16 = 5, decrypt: UInt16 = 6
  }
  enum GetPeerReply {
    static let peerID: UInt16 = 1, sockaddrRemote: UInt16 = 2, ipv4: UInt16 = 3, ipv6: UInt16 = 4
    static let localIP: UInt16 = 5, localPort: UInt16 = 6, interval: UInt16 = 7
    static let timeout: UInt16 = 8, vpnRxBytes: UInt16 = 9, vpnTxBytes: UInt16 = 10
    static let vpnRxPackets: UInt16 = 11, vpnTxPackets: UInt16 = 12, linkRxBytes: UInt16 = 13
    static let linkTxBytes: UInt16 = 14, linkRxPackets: UInt16 = 15, linkTxPackets: UInt16 = 16
  }
}
