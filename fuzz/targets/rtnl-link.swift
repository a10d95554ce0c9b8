// rtnetlink replies, read the way DCOClient reads link dumps and lookups:
// ReplyReader (errors with their extack TLVs) and the link decoder.

@testable import DCONetlink

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  // Sequence 1 and port 0x4242, as in the unit tests' canned replies (the seeds).
  var reader = ReplyReader(sequence: 1, portID: 0x4242)
  _ = try? reader.consume(UnsafeRawBufferPointer(start: data, count: size)) {
    (m) throws(NetlinkError) in
    _ = try? LinkMessages.decodeLink(m)
  }
  return 0
}
