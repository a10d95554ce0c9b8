// The keeper protocol's decoders, on both sides: whatever a client or a
// keeper sends must decode or be refused, never crash; a request that
// decodes must encode back to the same bytes (a reply's text need not: it
// is read leniently as UTF-8).
@testable import ovpnctl

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if let r = try? KeeperProtocol.decodeRequest(bytes[...]), KeeperProtocol.encode(r) != bytes {
    fatalError("request \(r) does not encode back to its bytes")
  }
  _ = try? KeeperProtocol.decodeReply(bytes[...])
  return 0
}
