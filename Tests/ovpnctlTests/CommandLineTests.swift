// CommandLine.arguments comes from Sources/CArgv (argv.c), not from the
// Swift runtime's own lookup: it must still be the kernel's argv.

import Glibc
import Testing

@Suite struct CommandLineTests {
  @Test func argumentsAreTheKernelsArgv() throws {
    let fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC)
    try #require(fd >= 0)
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      try #require(n >= 0)
      if n == 0 { break }
      bytes += chunk[0..<n]
    }
    let argv = bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast()
      .map { String(decoding: $0, as: UTF8.self) }
    #expect(!argv.isEmpty)
    #expect(CommandLine.arguments == argv)
    #expect(Int(CommandLine.argc) == argv.count)
  }
}
