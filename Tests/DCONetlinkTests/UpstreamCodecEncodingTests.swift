// The upstream ovpn API (family "ovpn", here id 0x1b): exact bytes of every
// request. Numbers from reference/ovpn-netlink.md §3.2–3.3.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct UpstreamCodecEncodingTests {
  @Test func peerNewIPv4WithEverythingIsExact() throws {
    var c = PeerConfig(id: 1)
    c.remote = ep("192.0.2.1:1194")
    c.socket = 3
    c.vpnIPv4 = ip("10.8.0.2")
    c.localAddress = ip("192.0.2.10")
    c.keepaliveInterval = 10
    c.keepaliveTimeout = 60
    let m = try upstream.newPeer(ifindex: 5, c)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        60 00 00 00  // nlmsg_len 96
        1b 00 05 00  // family ovpn, REQUEST | ACK
        01 00 00 00 00 00 00 00
        01 01 00 00  // OVPN_CMD_PEER_NEW, version 1
        08 00 01 00 05 00 00 00  // OVPN_A_IFINDEX 5
        44 00 02 80  // OVPN_A_PEER, len 68, nested
        08 00 01 00 01 00 00 00  //   ID 1
        08 00 02 00 c0 00 02 01  //   REMOTE_IPV4 192.0.2.1 (be32)
        06 00 05 00 04 aa 00 00  //   REMOTE_PORT be16 1194 + pad
        08 00 06 00 03 00 00 00  //   SOCKET fd 3
        08 00 08 00 0a 08 00 02  //   VPN_IPV4 10.8.0.2
        08 00 0a 00 c0 00 02 0a  //   LOCAL_IPV4 192.0.2.10
        08 00 0d 00 0a 00 00 00  //   KEEPALIVE_INTERVAL 10
        08 00 0e 00 3c 00 00 00  //   KEEPALIVE_TIMEOUT 60
        """))
  }

  @Test func peerNewIPv6WithScopeAndTxIDIsExact() throws {
    var c = PeerConfig(id: 7)
    c.txID = 9
    c.remote = ep("[fe80::1%2]:51820")
    c.socket = 4
    c.vpnIPv6 = ip("fd00::7")
    c.localAddress = ip("fe80::2")
    let m = try upstream.newPeer(ifindex: 5, c)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        84 00 00 00 1b 00 05 00 01 00 00 00 00 00 00 00  // len 132
        01 01 00 00
        08 00 01 00 05 00 00 00
        68 00 02 80  // OVPN_A_PEER, len 104
        08 00 01 00 07 00 00 00  //   ID 7
        08 00 18 00 09 00 00 00  //   TX_ID (24) 9
        14 00 03 00 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01  // REMOTE_IPV6
        08 00 04 00 02 00 00 00  //   REMOTE_IPV6_SCOPE_ID 2
        06 00 05 00 ca 6c 00 00  //   REMOTE_PORT 51820
        08 00 06 00 04 00 00 00  //   SOCKET 4
        14 00 09 00 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 07  // VPN_IPV6
        14 00 0b 00 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02  // LOCAL_IPV6
        """))
  }

  @Test func peerNewIPv6WithoutScopeOmitsScopeID() throws {
    var c = PeerConfig(id: 1)
    c.remote = ep("[2001:db8::1]:1194")
    c.socket = 3
    let m = try upstream.newPeer(ifindex: 5, c)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        4c 00 00 00 1b 00 05 00 01 00 00 00 00 00 00 00  // len 76
        01 01 00 00
        08 00 01 00 05 00 00 00
        30 00 02 80  // PEER, len 48
        08 00 01 00 01 00 00 00
        14 00 03 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
        06 00 05 00 04 aa 00 00
        08 00 06 00 03 00 00 00
        """))
  }

  @Test func peerNewV4MappedRemoteAndLocalBecomeIPv4() throws {
    var c = PeerConfig(id: 1)
    c.remote = ep("[::ffff:192.0.2.1]:1194")
    c.localAddress = ip("::ffff:192.0.2.10")
    c.socket = 3
    let m = try upstream.newPeer(ifindex: 5, c)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        48 00 00 00 1b 00 05 00 01 00 00 00 00 00 00 00  // len 72
        01 01 00 00
        08 00 01 00 05 00 00 00
        2c 00 02 80  // PEER, len 44
        08 00 01 00 01 00 00 00
        08 00 02 00 c0 00 02 01  // REMOTE_IPV4, not REMOTE_IPV6
        06 00 05 00 04 aa 00 00
        08 00 06 00 03 00 00 00
        08 00 0a 00 c0 00 02 0a  // LOCAL_IPV4
        """))
  }

  @Test func peerNewForTCPCarriesNoRemote() throws {
    var c = PeerConfig(id: 3)
    c.socket = 11
    c.vpnIPv4 = ip("10.8.0.3")
    let m = try upstream.newPeer(ifindex: 5, c)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        38 00 00 00 1b 00 05 00 01 00 00 00 00 00 00 00  // len 56
        01 01 00 00
        08 00 01 00 05 00 00 00
        1c 00 02 80  // PEER, len 28
        08 00 01 00 03 00 00 00  // ID
        08 00 06 00 0b 00 00 00  // SOCKET
        08 00 08 00 0a 08 00 03  // VPN_IPV4
        """))
  }

  @Test func peerSetNeverCarriesASocket() throws {
    var c = PeerConfig(id: 1)
    c.socket = 3  // must be dropped: "socket cannot be modified"
    c.remote = ep("198.51.100.7:1195")
    c.keepaliveInterval = 5
    c.keepaliveTimeout = 30
    let m = try upstream.setPeer(ifindex: 5, c)
    m.sequence = 2
    expectBytes(
      m.bytes,
      hex(
        """
        48 00 00 00 1b 00 05 00 02 00 00 00 00 00 00 00  // len 72
        02 01 00 00  // OVPN_CMD_PEER_SET
        08 00 01 00 05 00 00 00
        2c 00 02 80  // PEER, len 44
        08 00 01 00 01 00 00 00  //   ID
        08 00 02 00 c6 33 64 07  //   REMOTE_IPV4 198.51.100.7
        06 00 05 00 04 ab 00 00  //   REMOTE_PORT 1195
        08 00 0d 00 05 00 00 00  //   KEEPALIVE_INTERVAL 5
        08 00 0e 00 1e 00 00 00  //   KEEPALIVE_TIMEOUT 30
        """))
  }

  @Test func peerSetWithLoneKeepaliveValueSendsIt() throws {
    // Upstream rejects a lone value itself (with extack); the codec does not hide it.
    var c = PeerConfig(id: 1)
    c.keepaliveTimeout = 30
    let m = try upstream.setPeer(ifindex: 5, c)
    #expect(Array(m.bytes.suffix(16)) == hex("08 00 01 00 01 00 00 00 08 00 0e 00 1e 00 00 00"))
  }

  @Test func peerDelIsExact() throws {
    let m = try upstream.deletePeer(ifindex: 5, id: 0xffffff)
    m.sequence = 3
    expectBytes(
      m.bytes,
      hex(
        """
        28 00 00 00 1b 00 05 00 03 00 00 00 00 00 00 00  // len 40
        04 01 00 00  // OVPN_CMD_PEER_DEL
        08 00 01 00 05 00 00 00
        0c 00 02 80 08 00 01 00 ff ff ff 00  // PEER { ID 0xffffff }
        """))
  }

  @Test func peerGetIsExact() throws {
    let m = try upstream.getPeer(ifindex: 5, id: 1)
    m.sequence = 4
    expectBytes(
      m.bytes,
      hex(
        """
        28 00 00 00 1b 00 05 00 04 00 00 00 00 00 00 00
        03 01 00 00  // OVPN_CMD_PEER_GET
        08 00 01 00 05 00 00 00
        0c 00 02 80 08 00 01 00 01 00 00 00  // PEER { ID 1 }
        """))
  }

  @Test func peerGetDumpHasIfindexOnlyAndNoEmptyNest() throws {
    let m = try upstream.dumpPeers(ifindex: 5)
    m.sequence = 5
    expectBytes(
      m.bytes,
      hex(
        """
        1c 00 00 00  // len 28: nothing after IFINDEX
        1b 00 01 03  // REQUEST | DUMP
        05 00 00 00 00 00 00 00
        03 01 00 00  // OVPN_CMD_PEER_GET
        08 00 01 00 05 00 00 00  // OVPN_A_IFINDEX
        """))
  }

  @Test func keyNewUsesU32sAndSplitsMaterial() throws {
    let encrypt = SecretBytes(Array(0x00...0x27))  // 32-byte key ‖ 8-byte nonce tail
    let decrypt = SecretBytes(Array(0x40...0x67))
    let key = KeyConfig(
      peerID: 1, slot: .primary, keyID: 2, cipher: .chacha20Poly1305, encrypt: encrypt,
      decrypt: decrypt)
    let m = try upstream.newKey(ifindex: 5, key)
    m.sequence = 6
    expectBytes(
      m.bytes,
      hex(
        """
        a8 00 00 00 1b 00 05 00 06 00 00 00 00 00 00 00  // len 168
        06 01 00 00  // OVPN_CMD_KEY_NEW
        08 00 01 00 05 00 00 00  // IFINDEX
        8c 00 03 80  // OVPN_A_KEYCONF, len 140
        08 00 01 00 01 00 00 00  //   PEER_ID 1
        08 00 02 00 00 00 00 00  //   SLOT u32 0 (primary)
        08 00 03 00 02 00 00 00  //   KEY_ID u32 2
        08 00 04 00 02 00 00 00  //   CIPHER_ALG u32 2 (ChaCha20-Poly1305)
        34 00 05 80  //   ENCRYPT_DIR, len 52
        24 00 01 00  //     CIPHER_KEY, 32 bytes
        00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
        10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f
        0c 00 02 00 20 21 22 23 24 25 26 27  // NONCE_TAIL
        34 00 06 80  //   DECRYPT_DIR, len 52
        24 00 01 00
        40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f
        50 51 52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f
        0c 00 02 00 60 61 62 63 64 65 66 67
        """))
  }

  @Test func keyNewAESIsAlgorithm1WhateverTheSize() throws {
    for (cipher, keyLength) in [(Cipher.aes128GCM, 16), (.aes192GCM, 24), (.aes256GCM, 32)] {
      let material = SecretBytes(Array(repeating: 0x11, count: keyLength + 8))
      let key = KeyConfig(
        peerID: 1, slot: .secondary, keyID: 1, cipher: cipher, encrypt: material, decrypt: material)
      let b = try upstream.newKey(ifindex: 5, key).bytes
      #expect(
        Array(b[32..<64])
          == hex(
            "08 00 01 00 01 00 00 00 08 00 02 00 01 00 00 00 08 00 03 00 01 00 00 00 08 00 04 00 01 00 00 00"))
      #expect(Array(b[68..<72]) == le16(UInt16(4 + keyLength)) + [1, 0], "CIPHER_KEY of \(keyLength) bytes")
    }
  }

  @Test func keyGetIsExact() throws {
    let m = try upstream.getKey(ifindex: 5, peerID: 1, slot: .secondary)
    m.sequence = 7
    expectBytes(
      m.bytes,
      hex(
        """
        30 00 00 00 1b 00 05 00 07 00 00 00 00 00 00 00  // len 48
        07 01 00 00  // OVPN_CMD_KEY_GET
        08 00 01 00 05 00 00 00
        14 00 03 80  // KEYCONF, len 20
        08 00 01 00 01 00 00 00  //   PEER_ID
        08 00 02 00 01 00 00 00  //   SLOT 1
        """))
  }

  @Test func keySwapIsExact() throws {
    let m = try upstream.swapKeys(ifindex: 5, peerID: 1)
    m.sequence = 8
    expectBytes(
      m.bytes,
      hex(
        """
        28 00 00 00 1b 00 05 00 08 00 00 00 00 00 00 00
        08 01 00 00  // OVPN_CMD_KEY_SWAP
        08 00 01 00 05 00 00 00
        0c 00 03 80 08 00 01 00 01 00 00 00  // KEYCONF { PEER_ID 1 }
        """))
  }

  @Test func keyDelIsExact() throws {
    let m = try upstream.deleteKey(ifindex: 5, peerID: 1, slot: .primary)
    m.sequence = 9
    expectBytes(
      m.bytes,
      hex(
        """
        30 00 00 00 1b 00 05 00 09 00 00 00 00 00 00 00
        0a 01 00 00  // OVPN_CMD_KEY_DEL (10)
        08 00 01 00 05 00 00 00
        14 00 03 80
        08 00 01 00 01 00 00 00  // PEER_ID
        08 00 02 00 00 00 00 00  // SLOT 0
        """))
  }
}
