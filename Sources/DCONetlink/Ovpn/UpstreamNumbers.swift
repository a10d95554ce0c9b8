// The numbers of the upstream ovpn API, as its uapi header linux/ovpn.h
// gives them: commands, the top-level attributes and those of the `peer`
// and `keyconf` nests.

extension UpstreamCodec {
  enum Command {
    static let peerNew: UInt8 = 1, peerSet: UInt8 = 2, peerGet: UInt8 = 3, peerDel: UInt8 = 4
    static let peerDelNtf: UInt8 = 5, keyNew: UInt8 = 6, keyGet: UInt8 = 7, keySwap: UInt8 = 8
    static let keySwapNtf: UInt8 = 9, keyDel: UInt8 = 10, peerFloatNtf: UInt8 = 11
  }
  enum Top { static let ifindex: UInt16 = 1, peer: UInt16 = 2, keyconf: UInt16 = 3 }
  enum PeerAttr {
    static let id: UInt16 = 1, remoteIPv4: UInt16 = 2, remoteIPv6: UInt16 = 3
    static let remoteScopeID: UInt16 = 4, remotePort: UInt16 = 5, socket: UInt16 = 6
    static let socketNetnsID: UInt16 = 7, vpnIPv4: UInt16 = 8, vpnIPv6: UInt16 = 9
    static let localIPv4: UInt16 = 10, localIPv6: UInt16 = 11, localPort: UInt16 = 12
    static let keepaliveInterval: UInt16 = 13, keepaliveTimeout: UInt16 = 14
    static let delReason: UInt16 = 15, vpnRxBytes: UInt16 = 16, vpnTxBytes: UInt16 = 17
    static let vpnRxPackets: UInt16 = 18, vpnTxPackets: UInt16 = 19, linkRxBytes: UInt16 = 20
    static let linkTxBytes: UInt16 = 21, linkRxPackets: UInt16 = 22, linkTxPackets: UInt16 = 23
    static let txID: UInt16 = 24
  }
  enum KeyAttr {
    static let peerID: UInt16 = 1, slot: UInt16 = 2, keyID: UInt16 = 3, cipher: UInt16 = 4
    static let encrypt: UInt16 = 5, decrypt: UInt16 = 6
  }
}
