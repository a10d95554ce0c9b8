// One command line as a batch file holds it: Batch.split makes the words,
// then the global options, the keyword parser (Router.parse, Arguments),
// the typed value accessors of every keyword given, and the command's own
// parse into its request. Nothing reaches the kernel.

import Glibc

@testable import ovpnctl

/// Help requests print usage text: send it to /dev/null, once.
private let quiet: Void = {
  let fd = open("/dev/null", O_WRONLY)
  if fd >= 0 {
    dup2(fd, STDOUT_FILENO)
    close(fd)
  }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  _ = quiet
  let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let (_, words) = try? Options.parse(Batch.split(line)),
    let (spec, args) = try? Router.parse(words)
  else { return 0 }
  for keyword in spec.keywords where args.has(keyword.name) {
    switch keyword.values.first?.kind {
    case .peerID, .newPeerID: _ = try? args.peerID(keyword.name)
    case .endpoint: _ = try? args.endpoint(keyword.name)
    case .localEndpoint: _ = try? args.localEndpoint(keyword.name)
    case .choice: _ = try? args.choice(keyword.name)
    case .number: _ = try? args.number(keyword.name, UInt32.min...UInt32.max, what: keyword.name) as UInt32?
    case .address:
      for values in args.all(keyword.name) { for v in values { _ = try? args.address(v) } }
    case .keyID: _ = try? args.number(keyword.name, 0...7, what: keyword.name) as UInt8?
    case .interface, .newName, .file, .netns, nil: _ = args.string(keyword.name)
    }
  }
  _ = try? args.keepalive()
  if spec.positional?.kind == .newName, let name = args.positional { _ = try? LinkCommands.validateName(name) }
  _ = try? spec.parse(args)
  return 0
}
