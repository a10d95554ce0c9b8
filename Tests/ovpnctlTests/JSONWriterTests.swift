// JSONWriter: escaping, value types, nesting, pretty indentation.

import Testing

@testable import ovpnctl

func jsonString(_ s: String) -> String {
  var out = ""
  JSONWriter.appendString(s, to: &out)
  return out
}

@Suite struct JSONWriterTests {
  @Test(arguments: [
    ("plain", #""plain""#),
    ("say \"hi\"", #""say \"hi\"""#),
    ("back\\slash", #""back\\slash""#),
    ("line\nbreak\ttab\rcr", #""line\nbreak\ttab\rcr""#),
    ("\u{08}\u{0C}", #""\b\f""#),
    ("\u{00}\u{01}\u{1f}", #""\u0000\u0001\u001f""#),
    ("\u{7f}", "\"\u{7f}\""),
    ("é ✓ 😀", "\"é ✓ 😀\""),
    ("/", #""/""#),
    ("", #""""#),
  ])
  func escaping(input: String, output: String) throws {
    #expect(jsonString(input) == output)
    #expect(try JSON.parse(output) == .string(input))
  }

  @Test func everyControlCharacterIsEscapedAndRoundTrips() throws {
    for v in 0..<0x20 {
      let s = String(Unicode.Scalar(UInt8(v)))
      let out = jsonString(s)
      #expect(!out.unicodeScalars.contains { $0.value < 0x20 }, "U+\(v) written raw")
      #expect(try JSON.parse(out) == .string(s))
    }
  }

  @Test func compactObjectWithEveryValueType() throws {
    var w = JSONWriter(pretty: false)
    w.beginObject()
    w.field("s", "x")
    w.field("n", 42)
    w.field("neg", Int32(-1))
    w.field("big", UInt64.max)
    w.field("none", nil as String?)
    w.field("nonum", nil as UInt32?)
    w.field("t", true)
    w.field("f", false)
    w.endObject()
    #expect(
      w.output
        == #"{"s":"x","n":42,"neg":-1,"big":18446744073709551615,"none":null,"nonum":null,"t":true,"f":false}"#)
    let j = try JSON.parse(w.output)
    #expect(j["big"]?.unsigned == UInt64.max)
    #expect(j["neg"]?.integer == -1)
    #expect(j["none"] == .null && j["t"] == .bool(true))
  }

  @Test func nesting() throws {
    var w = JSONWriter(pretty: false)
    w.beginArray()
    w.beginObject()
    w.field("a", 1)
    w.beginArray("list")
    w.value(1)
    w.value("two")
    w.beginObject()
    w.endObject()
    w.endArray()
    w.beginObject("inner")
    w.field("b", 2)
    w.endObject()
    w.endObject()
    w.beginArray()
    w.endArray()
    w.endArray()
    #expect(w.output == #"[{"a":1,"list":[1,"two",{}],"inner":{"b":2}},[]]"#)
    _ = try JSON.parse(w.output)
  }

  @Test func prettyIndentsTwoSpacesPerLevel() throws {
    var w = JSONWriter(pretty: true)
    w.beginArray()
    w.beginObject()
    w.field("a", 1)
    w.beginArray("l")
    w.value(2)
    w.endArray()
    w.beginObject("e")
    w.endObject()
    w.endObject()
    w.endArray()
    #expect(
      w.output == """
        [
          {
            "a": 1,
            "l": [
              2
            ],
            "e": {}
          }
        ]
        """)
    #expect(try JSON.parse(w.output)[0]?["l"] == .array([.number("2")]))
  }

  @Test func emptyContainers() {
    var w = JSONWriter(pretty: true)
    w.beginArray()
    w.endArray()
    #expect(w.output == "[]")
  }
}
