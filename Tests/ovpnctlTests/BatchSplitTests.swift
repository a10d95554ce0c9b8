// Batch.split: the words of one -batch line.

import Testing

@testable import ovpnctl

@Suite struct BatchSplitTests {
  @Test(arguments: [
    ("peer add dev tun0 id 1", ["peer", "add", "dev", "tun0", "id", "1"]),
    ("  link   show\t tun0 \n", ["link", "show", "tun0"]),
    ("link\rshow", ["link", "show"]),
    ("", []),
    ("   \t  ", []),
    ("\n", []),
    ("# a comment", []),
    ("   # indented comment", []),
    ("link show # trailing comment", ["link", "show"]),
    ("link show tun0# glued comment", ["link", "show", "tun0"]),
    (
      "key add encrypt \"my key file\" decrypt 'other file'",
      ["key", "add", "encrypt", "my key file", "decrypt", "other file"]
    ),
    ("a \"#not a comment\" b", ["a", "#not a comment", "b"]),
    ("a \"it's\" 'say \"hi\"'", ["a", "it's", "say \"hi\""]),
    ("a \"\" b", ["a", "", "b"]),
    ("pre\"fix suf\"fix", ["prefix suffix"]),
    ("a \"unterminated b", ["a", "unterminated b"]),
  ])
  func split(line: String, words: [String]) {
    #expect(Batch.split(line) == words)
  }

  /// A batch file written on Windows: getline leaves "\r\n" at the end of
  /// each line, and "\r\n" is a single Swift Character, so the splitter
  /// must look at unicode scalars.
  @Test func crlfLineEndingsAreWhitespace() {
    #expect(Batch.split("link show tun0\r\n") == ["link", "show", "tun0"])
    #expect(Batch.split("link show tun0 \r\n") == ["link", "show", "tun0"])
  }
}
