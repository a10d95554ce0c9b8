// Key files: lengths per cipher, whitespace, and the exact error messages.

import DCONetlink
import Glibc
import Testing

@testable import ovpnctl

func material(_ n: Int, _ seed: UInt8 = 1) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0) &+ seed } }

@Suite struct KeyFileTests {
  @Test(arguments: [(Cipher.aes128GCM, 24), (.aes192GCM, 32), (.aes256GCM, 40), (.chacha20Poly1305, 40)])
  func correctLengthIsRead(cipher: Cipher, length: Int) throws {
    let dir = TempDir()
    let bytes = material(length)
    let path = dir.file("k", b64encode(bytes) + "\n")
    let s = try KeyFile.read(path, cipher: cipher, role: "encrypt")
    #expect(contents(s) == bytes)
  }

  @Test func surroundingWhitespaceIsIgnored() throws {
    let dir = TempDir()
    let bytes = material(24)
    for text in ["  \(b64encode(bytes))  ", "\n\n\t\(b64encode(bytes))\r\n\n", b64encode(bytes)] {
      let path = dir.file("k", text)
      #expect(contents(try KeyFile.read(path, cipher: .aes128GCM, role: "decrypt")) == bytes)
    }
  }

  @Test func wrongLengthNamesFileCipherAndExpectedLength() {
    let dir = TempDir()
    let path = dir.file("short.key", b64encode(material(32)) + "\n")
    #expect(
      usageError { _ = try KeyFile.read(path, cipher: .aes128GCM, role: "encrypt") }
        == "encrypt key file \"\(path)\" holds 32 bytes; aes-128-gcm needs 24 (16-byte key + 8-byte nonce tail)")
    #expect(
      usageError { _ = try KeyFile.read(path, cipher: .chacha20Poly1305, role: "decrypt") }
        == "decrypt key file \"\(path)\" holds 32 bytes; chacha20-poly1305 needs 40 (32-byte key + 8-byte nonce tail)")
  }

  @Test func emptyFileHoldsNothing() {
    let dir = TempDir()
    let path = dir.file("empty.key", "\n")
    #expect(
      usageError { _ = try KeyFile.read(path, cipher: .aes256GCM, role: "encrypt") }
        == "encrypt key file \"\(path)\" holds 0 bytes; aes-256-gcm needs 40 (32-byte key + 8-byte nonce tail)")
  }

  @Test func missingFile() {
    let dir = TempDir()
    let path = dir.path + "/absent.key"
    #expect(
      usageError { _ = try KeyFile.read(path, cipher: .aes128GCM, role: "encrypt") }
        == "cannot open key file \"\(path)\": No such file or directory")
  }

  @Test(arguments: ["not base64 at all", "Zm9v\nYmFy", "Zm9vYmF", "----"])
  func nonBase64Content(text: String) {
    let dir = TempDir()
    let path = dir.file("bad.key", text)
    #expect(
      usageError { _ = try KeyFile.read(path, cipher: .aes128GCM, role: "decrypt") }
        == "decrypt key file \"\(path)\" is not one line of base64")
  }

  @Test func oversizedFile() {
    let dir = TempDir()
    let path = dir.file("big.key", String(repeating: "A", count: 4097))
    #expect(
      usageError { _ = try KeyFile.read(path, cipher: .aes128GCM, role: "encrypt") }
        == "key file \"\(path)\" is too large to be a key file")
  }

  @Test func directoryIsAReadError() {
    let dir = TempDir()
    #expect(
      usageError { _ = try KeyFile.read(dir.path, cipher: .aes128GCM, role: "encrypt") }
        == "cannot read key file \"\(dir.path)\": Is a directory")
  }

  @Test func standardInputIsNamedAsSuch() async {
    await #expect(processExitsWith: .success) {
      var fds: [Int32] = [0, 0]
      guard pipe(&fds) == 0 else { exit(3) }
      let line = Array("Zm9v\n".utf8)
      _ = line.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
      close(fds[1])
      dup2(fds[0], STDIN_FILENO)
      do {
        _ = try KeyFile.read("-", cipher: .aes128GCM, role: "encrypt")
        exit(1)
      } catch let error as UsageError {
        let want =
          "encrypt key file standard input holds 3 bytes; aes-128-gcm needs 24 (16-byte key + 8-byte nonce tail)"
        exit(error.message == want ? 0 : 2)
      } catch {
        exit(4)
      }
    }
  }

  @Test(arguments: Cipher.allCases)
  func generatedMaterialReadsBack(cipher: Cipher) throws {
    let line = try KeyFile.generate(cipher).withBytes { String(decoding: $0, as: UTF8.self) }
    let other = try KeyFile.generate(cipher).withBytes { String(decoding: $0, as: UTF8.self) }
    #expect(line != other)
    #expect(line.hasSuffix("\n") && line.dropLast().allSatisfy { $0 != "\n" })
    let dir = TempDir()
    let s = try KeyFile.read(dir.file("gen.key", line), cipher: cipher, role: "encrypt")
    #expect(s.count == cipher.materialLength)
  }
}

func contents(_ s: SecretBytes) -> [UInt8] { s.withBytes { Array($0) } }
