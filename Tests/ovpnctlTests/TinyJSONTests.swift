// The test target's JSON reader must itself be strict, or the renderer
// tests prove nothing.

import Testing

@testable import ovpnctl

@Suite struct TinyJSONTests {
  @Test func readsValuesWithTheirTypes() throws {
    let j = try JSON.parse(#" {"a": [1, -2.5e3, "x\u00e9\n", true, null], "b": {}} "#)
    #expect(j.keys == ["a", "b"])
    #expect(j["a"] == .array([.number("1"), .number("-2.5e3"), .string("xé\n"), .bool(true), .null]))
    #expect(j["b"] == .object([]))
    #expect(try JSON.parse(#""\ud83d\ude00""#) == .string("😀"))
  }

  @Test(arguments: [
    "", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[.5]", "\"\u{01}\"", "\"\\x\"",
    "[1] [2]", "{\"a\":1,\"a\":2}", "'x'", "[\"\\ud800\"]", "nul", "[+1]",
  ])
  func rejectsInvalidJSON(text: String) {
    #expect(throws: JSON.ParseError.self) { try JSON.parse(text) }
  }
}
