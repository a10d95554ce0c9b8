// Deterministic fuzzing of the text parsers: argv, endpoints, base64, batch
// lines. Every input must parse or fail with a usage error; none may crash.

import DCONetlink
import Testing

@testable import ovpnctl

struct Rng {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

@Suite struct ParserFuzzTests {
  static let objects = ["link", "peer", "key", "stats", "monitor"]
  static let verbs = ["add", "del", "set", "show", "swap", "generate", "ls", "delete", "list"]
  static let words = [
    "dev", "tun0", "id", "peer", "1", "0", "16777215", "16777216", "-1", "remote", "local", "listen", "proto", "tcp",
    "udp", "fd", "3", "vpn-ip", "10.8.0.2", "fd00::2", "keepalive", "10", "60", "tx-id", "slot", "primary",
    "secondary", "key-id", "7", "8", "cipher", "aes-128-gcm", "chacha20-poly1305", "encrypt", "decrypt", "-",
    "192.0.2.1:1194", "[2001:db8::1]:1194", ":5000", "[::]:1", "0.0.0.0:0", "type", "ovpn", "ovpn-dco", "mode",
    "mp", "p2p", "mtu", "1400", "", "[", "]:", "%", "x",
  ]

  @Test func randomCommandLinesParseOrFailWithAUsageError() {
    var rng = Rng(state: 1194)
    var parsedCount = 0
    for _ in 0..<20_000 {
      var line = [rng.pick(Self.objects)]
      if rng.below(4) != 0 { line.append(rng.pick(Self.verbs)) }
      for _ in 0..<rng.below(12) { line.append(rng.pick(Self.words)) }
      if line.count == 1 { line.append("dev") }  // a bare object prints its help
      do {
        guard let (spec, args) = try Router.parse(line) else { continue }
        parsedCount += 1
        // Every command's own parse, on whatever the grammar let through.
        _ = try? spec.parse(args)
      } catch {
        // Router.parse throws UsageError only: the type system says so.
      }
    }
    #expect(parsedCount > 500)
  }

  @Test func randomEndpointTextRoundTripsWhenItParses() {
    var rng = Rng(state: 51820)
    let alphabet = Array("0123456789abcdef:.[]%lo+-x ")
    var accepted = 0
    for _ in 0..<30_000 {
      let text = String((0..<rng.below(24)).map { _ in rng.pick(alphabet) })
      _ = IPAddress(text)
      _ = Endpoint(parsing: text, defaultPort: 1194)
      if let e = Endpoint(parsing: text) {
        accepted += 1
        #expect(Endpoint(parsing: e.description) == e, "\(text) → \(e)")
      }
    }
    // Structured inputs so that some do parse.
    for _ in 0..<5_000 {
      let v6 = rng.below(2) == 0
      let host =
        v6
        ? "[fe80::\(String(rng.below(0xffff), radix: 16))%\(rng.below(5))]"
        : "10.\(rng.below(256)).\(rng.below(256)).\(rng.below(256))"
      let text = "\(host):\(rng.below(70000))"
      if let e = Endpoint(parsing: text) {
        accepted += 1
        #expect(Endpoint(parsing: e.description) == e, "\(text) → \(e)")
      }
    }
    #expect(accepted > 1000)
  }

  @Test func randomBase64NeverCrashesAndBytesRoundTrip() {
    var rng = Rng(state: 4648)
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n".utf8)
    for _ in 0..<20_000 {
      let text = (0..<rng.below(5) * 4 + rng.below(2)).map { _ in rng.pick(alphabet) }
      _ = text.withUnsafeBytes { Base64.decode($0) }
      let bytes = (0..<rng.below(48)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      #expect(b64decode(b64encode(bytes)) == bytes)
    }
  }

  @Test func randomBatchLinesNeverCrash() {
    var rng = Rng(state: 2)
    let alphabet = Array("ab #\"'\t\r\n\\x")
    for _ in 0..<20_000 {
      let line = String((0..<rng.below(30)).map { _ in rng.pick(alphabet) })
      let words = Batch.split(line)
      #expect(!words.contains { $0.contains(" ") && !line.contains("\"") && !line.contains("'") })
    }
  }
}
