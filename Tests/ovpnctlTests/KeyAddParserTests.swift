// `key add` (everything but the material) and the other key commands' slots.

import DCONetlink
import Testing

@testable import ovpnctl

func parseKeyAdd(_ line: String) throws -> KeyCommands.AddRequest {
  try KeyCommands.AddRequest.parse(arguments("key add " + line))
}

@Suite struct KeyAddParserTests {
  @Test func allFields() throws {
    let r = try parseKeyAdd(
      "dev tun0 peer 7 slot secondary key-id 3 cipher chacha20-poly1305 encrypt a.key decrypt b.key")
    #expect(
      r
        == KeyCommands.AddRequest(
          dev: "tun0", peer: 7, slot: .secondary, keyID: 3, cipher: .chacha20Poly1305,
          encrypt: "a.key", decrypt: "b.key"))
  }

  @Test(arguments: [
    ("aes-128-gcm", Cipher.aes128GCM), ("aes-192-gcm", .aes192GCM), ("aes-256-gcm", .aes256GCM),
    ("chacha20-poly1305", .chacha20Poly1305),
  ])
  func ciphers(name: String, cipher: Cipher) throws {
    let r = try parseKeyAdd("dev t peer 1 slot primary key-id 0 cipher \(name) encrypt - decrypt b")
    #expect(r.cipher == cipher)
    #expect(r.slot == .primary)
    #expect(r.encrypt == "-")
  }

  static let full = "dev t peer 1 slot primary key-id 7 cipher aes-128-gcm encrypt a decrypt b"

  @Test(arguments: [
    ("peer 1 slot primary key-id 0 cipher aes-128-gcm encrypt a decrypt b", "argument \"dev\" is required"),
    ("dev t slot primary key-id 0 cipher aes-128-gcm encrypt a decrypt b", "argument \"peer\" is required"),
    ("dev t peer 1 key-id 0 cipher aes-128-gcm encrypt a decrypt b", "argument \"slot\" is required"),
    ("dev t peer 1 slot primary cipher aes-128-gcm encrypt a decrypt b", "argument \"key-id\" is required"),
    ("dev t peer 1 slot primary key-id 0 encrypt a decrypt b", "argument \"cipher\" is required"),
    ("dev t peer 1 slot primary key-id 0 cipher aes-128-gcm decrypt b", "argument \"encrypt\" is required"),
    ("dev t peer 1 slot primary key-id 0 cipher aes-128-gcm encrypt a", "argument \"decrypt\" is required"),
    (
      "dev t peer 16777216 slot primary key-id 0 cipher aes-128-gcm encrypt a decrypt b",
      "argument \"16777216\" is wrong: a peer id must be 0..16777215"
    ),
    (
      "dev t peer 1 slot tertiary key-id 0 cipher aes-128-gcm encrypt a decrypt b",
      "argument of \"slot\" must be one of \"primary\", \"secondary\", not \"tertiary\""
    ),
    (
      "dev t peer 1 slot 0 key-id 0 cipher aes-128-gcm encrypt a decrypt b",
      "argument of \"slot\" must be one of \"primary\", \"secondary\", not \"0\""
    ),
    (
      "dev t peer 1 slot primary key-id 8 cipher aes-128-gcm encrypt a decrypt b",
      "argument \"8\" is wrong: a key id must be 0..7"
    ),
    (
      "dev t peer 1 slot primary key-id -1 cipher aes-128-gcm encrypt a decrypt b",
      "argument \"-1\" is wrong: a key id must be 0..7"
    ),
    (
      "dev t peer 1 slot primary key-id 0 cipher aes-512-gcm encrypt a decrypt b",
      "argument of \"cipher\" must be one of \"aes-128-gcm\", \"aes-192-gcm\", \"aes-256-gcm\", \"chacha20-poly1305\", not \"aes-512-gcm\""
    ),
    (
      "dev t peer 1 slot primary key-id 0 cipher none encrypt a decrypt b",
      "argument of \"cipher\" must be one of \"aes-128-gcm\", \"aes-192-gcm\", \"aes-256-gcm\", \"chacha20-poly1305\", not \"none\""
    ),
    (
      "dev t peer 1 slot primary key-id 0 cipher aes-128-gcm encrypt - decrypt -",
      "standard input (-) can supply only one of encrypt and decrypt"
    ),
  ])
  func usageErrors(line: String, message: String) {
    #expect(usageError { _ = try parseKeyAdd(line) } == message)
  }

  @Test func slotOfOtherKeyCommands() throws {
    #expect(try KeyCommands.slot(arguments("key del dev t peer 1 slot secondary")) == .secondary)
    #expect(try KeyCommands.slot(arguments("key show dev t peer 1")) == nil)
    #expect(
      usageError { _ = try KeyCommands.slot(arguments("key del dev t peer 1 slot both")) }
        == "argument of \"slot\" must be one of \"primary\", \"secondary\", not \"both\"")
  }

  @Test func generateNeedsACipher() {
    #expect(usageError { _ = try KeyCommands.cipher(arguments("key generate")) } == "argument \"cipher\" is required")
  }
}
