// The ovpn-dco-v2 API (family "ovpn-dco-v2", here id 0x1a): exact bytes of
// every request. Numbers from reference/ovpn-netlink.md §2.2.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct LegacyCodecEncodingTests {
  static func udpPeer(_ remote: String, id: UInt32 = 1, socket: Int32 = 3) -> PeerConfig {
    var c = PeerConfig(id: id)
    c.remote = ep(remote)
    c.socket = socket
    return c
  }

  @Test func newPeerIPv4RemoteIsSockaddrIn() throws {
    let m = try legacy.newPeer(ifindex: 5, Self.udpPeer("192.0.2.1:1194"))
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        44 00 00 00  // nlmsg_len 68
        1a 00        // family ovpn-dco-v2
        05 00        // REQUEST | ACK
        01 00 00 00 00 00 00 00
        01 01 00 00  // OVPN_CMD_NEW_PEER, version 1
        08 00 01 00 05 00 00 00  // OVPN_ATTR_IFINDEX 5
        28 00 02 80  // OVPN_ATTR_NEW_PEER, len 40, nested
        08 00 01 00 01 00 00 00  //   PEER_ID 1
        14 00 02 00  //   SOCKADDR_REMOTE, len 4 + 16
        02 00        //     sin_family AF_INET (host order)
        04 aa        //     sin_port 1194 (network order)
        c0 00 02 01  //     sin_addr 192.0.2.1
        00 00 00 00 00 00 00 00  // sin_zero
        08 00 03 00 03 00 00 00  //   SOCKET fd 3
        """))
  }

  @Test func newPeerIPv6RemoteIsSockaddrIn6() throws {
    let m = try legacy.newPeer(ifindex: 5, Self.udpPeer("[2001:db8::1]:1194"))
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        50 00 00 00 1a 00 05 00 01 00 00 00 00 00 00 00  // len 80
        01 01 00 00
        08 00 01 00 05 00 00 00
        34 00 02 80  // NEW_PEER, len 52
        08 00 01 00 01 00 00 00
        20 00 02 00  //   SOCKADDR_REMOTE, len 4 + 28
        0a 00        //     sin6_family AF_INET6
        04 aa        //     sin6_port 1194
        00 00 00 00  //     sin6_flowinfo
        20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  // sin6_addr
        00 00 00 00  //     sin6_scope_id 0
        08 00 03 00 03 00 00 00
        """))
  }

  @Test func newPeerIPv6RemoteCarriesScopeID() throws {
    let m = try legacy.newPeer(ifindex: 5, Self.udpPeer("[fe80::1%3]:51820"))
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        50 00 00 00 1a 00 05 00 01 00 00 00 00 00 00 00
        01 01 00 00
        08 00 01 00 05 00 00 00
        34 00 02 80
        08 00 01 00 01 00 00 00
        20 00 02 00
        0a 00 ca 6c 00 00 00 00  // AF_INET6, port 51820, flowinfo
        fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01
        03 00 00 00  //     sin6_scope_id 3
        08 00 03 00 03 00 00 00
        """))
  }

  @Test func newPeerV4MappedRemoteBecomesSockaddrIn() throws {
    let m = try legacy.newPeer(ifindex: 5, Self.udpPeer("[::ffff:192.0.2.1]:1194"))
    m.sequence = 1
    // Identical to the plain IPv4 request.
    let plain = try legacy.newPeer(ifindex: 5, Self.udpPeer("192.0.2.1:1194"))
    plain.sequence = 1
    expectBytes(m.bytes, plain.bytes)
    #expect(Array(m.bytes[40..<44]) == hex("14 00 02 00"))  // a 16-byte sockaddr_in
  }

  @Test func newPeerWithVPNAndLocalAddresses() throws {
    var c = Self.udpPeer("192.0.2.1:1194", id: 0x00ab_cdef, socket: 7)
    c.vpnIPv4 = ip("10.8.0.2")
    c.vpnIPv6 = ip("fd00::2")
    c.localAddress = ip("192.0.2.10")
    let m = try legacy.newPeer(ifindex: 0x1234, c)
    m.sequence = 0x42
    expectBytes(
      m.bytes,
      hex(
        """
        68 00 00 00 1a 00 05 00 42 00 00 00 00 00 00 00  // len 104
        01 01 00 00
        08 00 01 00 34 12 00 00  // IFINDEX 0x1234
        4c 00 02 80  // NEW_PEER, len 76
        08 00 01 00 ef cd ab 00  //   PEER_ID 0xabcdef
        14 00 02 00 02 00 04 aa c0 00 02 01 00 00 00 00 00 00 00 00  // SOCKADDR_REMOTE
        08 00 03 00 07 00 00 00  //   SOCKET 7
        08 00 04 00 0a 08 00 02  //   IPV4 10.8.0.2 (network order)
        14 00 05 00 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02  // IPV6 fd00::2
        08 00 06 00 c0 00 02 0a  //   LOCAL_IP 192.0.2.10
        """))
  }

  @Test func newPeerWithIPv6LocalAddressIs16Bytes() throws {
    var c = Self.udpPeer("[2001:db8::1]:1194")
    c.localAddress = ip("2001:db8::a")
    let m = try legacy.newPeer(ifindex: 5, c)
    let tail = Array(m.bytes.suffix(20))
    #expect(tail == hex("14 00 06 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 0a"))
  }

  @Test func newPeerForTCPHasNoSockaddr() throws {
    var c = PeerConfig(id: 2)
    c.socket = 9
    let m = try legacy.newPeer(ifindex: 5, c)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        30 00 00 00 1a 00 05 00 01 00 00 00 00 00 00 00  // len 48
        01 01 00 00
        08 00 01 00 05 00 00 00
        14 00 02 80  // NEW_PEER, len 20
        08 00 01 00 02 00 00 00  // PEER_ID 2
        08 00 03 00 09 00 00 00  // SOCKET 9
        """))
  }

  @Test func newPeerNeverCarriesKeepalive() throws {
    var c = Self.udpPeer("192.0.2.1:1194")
    c.keepaliveInterval = 10
    c.keepaliveTimeout = 60
    let with = try legacy.newPeer(ifindex: 5, c)
    let without = try legacy.newPeer(ifindex: 5, Self.udpPeer("192.0.2.1:1194"))
    expectBytes(with.bytes, without.bytes)
  }

  @Test func setPeerKeepaliveIsExact() throws {
    var c = PeerConfig(id: 1)
    c.keepaliveInterval = 10
    c.keepaliveTimeout = 60
    let m = try legacy.setPeer(ifindex: 5, c)
    m.sequence = 2
    expectBytes(
      m.bytes,
      hex(
        """
        38 00 00 00 1a 00 05 00 02 00 00 00 00 00 00 00  // len 56
        02 01 00 00  // OVPN_CMD_SET_PEER
        08 00 01 00 05 00 00 00  // IFINDEX
        1c 00 03 80  // OVPN_ATTR_SET_PEER, len 28
        08 00 01 00 01 00 00 00  //   PEER_ID 1
        08 00 02 00 0a 00 00 00  //   KEEPALIVE_INTERVAL 10
        08 00 03 00 3c 00 00 00  //   KEEPALIVE_TIMEOUT 60
        """))
  }

  @Test func setPeerSendsKeepaliveOnlyAsAPair() throws {
    var c = PeerConfig(id: 1)
    c.keepaliveInterval = 10
    let m = try legacy.setPeer(ifindex: 5, c)
    m.sequence = 2
    expectBytes(
      m.bytes,
      hex(
        """
        28 00 00 00 1a 00 05 00 02 00 00 00 00 00 00 00  // len 40
        02 01 00 00
        08 00 01 00 05 00 00 00
        0c 00 03 80 08 00 01 00 01 00 00 00  // SET_PEER { PEER_ID 1 } only
        """))
  }

  @Test func deletePeerPutsPeerIDAsAttribute2() throws {
    let m = try legacy.deletePeer(ifindex: 5, id: 9)
    m.sequence = 3
    expectBytes(
      m.bytes,
      hex(
        """
        28 00 00 00 1a 00 05 00 03 00 00 00 00 00 00 00  // len 40
        03 01 00 00  // OVPN_CMD_DEL_PEER
        08 00 01 00 05 00 00 00
        0c 00 04 80  // OVPN_ATTR_DEL_PEER, len 12
        08 00 02 00 09 00 00 00  //   PEER_ID is attribute 2 here (REASON is 1)
        """))
  }

  @Test func newKeySplitsKeyAndNonceTail() throws {
    let encrypt = SecretBytes(Array(0x00...0x17))  // 16-byte key ‖ 8-byte nonce tail
    let decrypt = SecretBytes(Array(0x80...0x97))
    let key = KeyConfig(
      peerID: 1, slot: .secondary, keyID: 3, cipher: .aes128GCM, encrypt: encrypt, decrypt: decrypt)
    let m = try legacy.newKey(ifindex: 5, key)
    m.sequence = 4
    expectBytes(
      m.bytes,
      hex(
        """
        88 00 00 00 1a 00 05 00 04 00 00 00 00 00 00 00  // len 136
        04 01 00 00  // OVPN_CMD_NEW_KEY
        08 00 01 00 05 00 00 00  // IFINDEX
        6c 00 05 80  // OVPN_ATTR_NEW_KEY, len 108
        08 00 01 00 01 00 00 00  //   PEER_ID 1
        05 00 02 00 01 00 00 00  //   KEY_SLOT u8 1 (secondary) + zeroed pad
        05 00 03 00 03 00 00 00  //   KEY_ID u8 3 + zeroed pad
        06 00 04 00 01 00 00 00  //   CIPHER_ALG u16 1 (AES-GCM) + pad
        24 00 05 80  //   ENCRYPT_KEY, len 36
        14 00 01 00 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  // CIPHER_KEY (16)
        0c 00 02 00 10 11 12 13 14 15 16 17  // NONCE_TAIL (8)
        24 00 06 80  //   DECRYPT_KEY, len 36
        14 00 01 00 80 81 82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f
        0c 00 02 00 90 91 92 93 94 95 96 97
        """))
  }

  @Test func newKeyChaChaIsCipher2WithA32ByteKey() throws {
    let material = SecretBytes(Array(repeating: 0x5a, count: 40))
    let key = KeyConfig(
      peerID: 2, slot: .primary, keyID: 7, cipher: .chacha20Poly1305, encrypt: material,
      decrypt: material)
    let m = try legacy.newKey(ifindex: 5, key)
    let b = m.bytes
    // After nlmsghdr (16), genl (4), IFINDEX (8), the NEW_KEY nest header (4):
    #expect(Array(b[32..<56]) == hex("08 00 01 00 02 00 00 00  05 00 02 00 00 00 00 00  05 00 03 00 07 00 00 00"))
    #expect(Array(b[56..<64]) == hex("06 00 04 00 02 00 00 00"))  // CIPHER_ALG u16 2
    #expect(Array(b[64..<72]) == hex("34 00 05 80 24 00 01 00"))  // ENCRYPT nest 52, CIPHER_KEY 4 + 32
    #expect(b.count == 16 + 4 + 8 + 4 + 32 + 2 * 52)
  }

  @Test func newKeyWithWrongMaterialLengthIsRefused() {
    let key = KeyConfig(
      peerID: 1, slot: .primary, keyID: 0, cipher: .aes256GCM,
      encrypt: SecretBytes(Array(repeating: 1, count: 24)), decrypt: SecretBytes(Array(repeating: 1, count: 40)))
    let e = netlinkError { _ = try legacy.newKey(ifindex: 5, key) }
    #expect(e == .malformed("key material of 24 bytes for aes-256-gcm"))
  }

  @Test func swapKeysIsExact() throws {
    let m = try legacy.swapKeys(ifindex: 5, peerID: 1)
    m.sequence = 5
    expectBytes(
      m.bytes,
      hex(
        """
        28 00 00 00 1a 00 05 00 05 00 00 00 00 00 00 00  // len 40
        05 01 00 00  // OVPN_CMD_SWAP_KEYS
        08 00 01 00 05 00 00 00
        0c 00 06 80 08 00 01 00 01 00 00 00  // OVPN_ATTR_SWAP_KEYS { PEER_ID 1 }
        """))
  }

  @Test func deleteKeyIsExact() throws {
    let m = try legacy.deleteKey(ifindex: 5, peerID: 1, slot: .secondary)
    m.sequence = 6
    expectBytes(
      m.bytes,
      hex(
        """
        30 00 00 00 1a 00 05 00 06 00 00 00 00 00 00 00  // len 48
        06 01 00 00  // OVPN_CMD_DEL_KEY
        08 00 01 00 05 00 00 00
        14 00 07 80  // OVPN_ATTR_DEL_KEY, len 20
        08 00 01 00 01 00 00 00  //   PEER_ID 1
        05 00 02 00 01 00 00 00  //   KEY_SLOT u8 1
        """))
  }

  @Test func getPeerIsExact() throws {
    let m = try legacy.getPeer(ifindex: 5, id: 1)
    m.sequence = 7
    expectBytes(
      m.bytes,
      hex(
        """
        28 00 00 00 1a 00 05 00 07 00 00 00 00 00 00 00  // len 40
        07 01 00 00  // OVPN_CMD_GET_PEER
        08 00 01 00 05 00 00 00
        0c 00 08 80 08 00 01 00 01 00 00 00  // OVPN_ATTR_GET_PEER { PEER_ID 1 }
        """))
  }

  @Test func dumpPeersCarriesOnlyIfindex() throws {
    let m = try legacy.dumpPeers(ifindex: 5)
    m.sequence = 8
    expectBytes(
      m.bytes,
      hex(
        """
        1c 00 00 00  // len 28
        1a 00 01 03  // REQUEST | DUMP, no ACK
        08 00 00 00 00 00 00 00
        07 01 00 00  // OVPN_CMD_GET_PEER
        08 00 01 00 05 00 00 00  // IFINDEX only
        """))
  }

  @Test func getKeyIsUnsupported() {
    let e = netlinkError { _ = try legacy.getKey(ifindex: 5, peerID: 1, slot: .primary) }
    #expect(e == .kernel(errno: K.EOPNOTSUPP, extack: ExtAck()))
    #expect(legacy.canReadKeys == false)
  }

  /// What this API cannot carry is refused, never left out of the request.
  @Test func setPeerRefusesAllButKeepalive() {
    var c = PeerConfig(id: 1)
    c.keepaliveInterval = 5
    c.keepaliveTimeout = 30
    var remote = c
    remote.remote = Endpoint(parsing: "192.0.2.1:1194")
    var vpnIP = c
    vpnIP.vpnIPv4 = IPAddress("10.8.0.2")
    var txID = c
    txID.txID = 3
    for refused in [remote, vpnIP, txID] {
      let e = netlinkError { _ = try legacy.setPeer(ifindex: 5, refused) }
      #expect(e == .unsupported("the ovpn-dco-v2 API can change only keepalive of an existing peer"))
    }
    #expect(netlinkError { _ = try legacy.setPeer(ifindex: 5, c) } == nil)
  }

  @Test func newPeerRefusesATransmitID() {
    var c = Self.udpPeer("192.0.2.1:1194")
    c.txID = 7
    let e = netlinkError { _ = try legacy.newPeer(ifindex: 5, c) }
    #expect(e == .unsupported("tx-id needs the upstream ovpn API; ovpn-dco-v2 has no transmit id"))
  }
}
