import Glibc
import Testing

@testable import ovpnctl

/// The three completion scripts carry the grammar block that
/// CompletionBlock writes from the grammar table, byte for byte. After a
/// change to the table, `scripts/completions` writes it into them (this
/// test with OVPNCTL_WRITE_COMPLETIONS=1).
@Suite struct CompletionBlockTests {
  static let files = ["completions/ovpnctl.bash", "completions/_ovpnctl", "completions/ovpnctl.fish"]

  @Test("each completion script carries the generated grammar block", arguments: files)
  func committedBlockIsGenerated(_ file: String) throws {
    let script = try readRepoFile(file)
    let generated = try #require(
      CompletionBlock.splice(CompletionBlock.render(), into: script),
      "\(file): no grammar block between its markers")
    if getenv("OVPNCTL_WRITE_COMPLETIONS") != nil, generated != script {
      try writeRepoFile(file, generated)
      return
    }
    #expect(generated == script, "\(file): run scripts/completions")
  }

  @Test func blockFormat() {
    let lines = CompletionBlock.render().split(separator: "\n").map(String.init)
    #expect(lines.contains("object   link     add del|delete show|list|ls"))
    #expect(lines.contains("object   stats    -|show|list|ls"))
    #expect(lines.contains("command  link:add      <newname> type=@type mode=@mode mtu=num"))
    #expect(lines.contains("command  syncconf:-    <file> dev=ifname rekey*=peerid,@slot"))
    #expect(
      lines.contains(
        "command  key:add       dev=ifname peer=peerid slot=@slot key-id=keyid cipher=@cipher encrypt=file decrypt=file"
      ))
    #expect(lines.contains("choice   slot     primary secondary"))
    #expect(lines.contains("conflict peer:add fd proto listen local mark"))
    #expect(lines.contains("conflict peer:add listen remote local"))
    #expect(lines.contains("option   -n|-netns=netns -b|-batch=file -rcvbuf=num"))
  }

  @Test func spliceNeedsBothMarkers() {
    #expect(CompletionBlock.splice("x\n", into: "no markers\n") == nil)
    let script = "a\n# >>> ovpnctl grammar\nv='\nold\n'\n# <<< ovpnctl grammar\nb\n"
    #expect(
      CompletionBlock.splice("new 1\nnew 2\n", into: script)
        == "a\n# >>> ovpnctl grammar\nv='\nnew 1\nnew 2\n'\n# <<< ovpnctl grammar\nb\n")
  }
}
