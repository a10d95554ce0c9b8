// Reply datagrams of both ovpn APIs, read the way DCOClient reads them:
// ReplyReader checks sequence, port and errors (extack included), then each
// data message goes to the peer and key decoders of both codecs and to the
// controller decoders the family lookups use.

@testable import DCONetlink

private let legacy = LegacyCodec(family: GenlFamily(name: "ovpn-dco-v2", id: 0x1a))
private let upstream = UpstreamCodec(family: GenlFamily(name: "ovpn", id: 0x1b))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  // Sequence 1 and port 0x4242, as in the unit tests' canned replies (the seeds).
  var reader = ReplyReader(sequence: 1, portID: 0x4242)
  _ = try? reader.consume(UnsafeRawBufferPointer(start: data, count: size)) {
    (m) throws(NetlinkError) in
    _ = try? legacy.decodePeer(m)
    _ = try? legacy.decodeKey(m)
    _ = try? upstream.decodePeer(m)
    _ = try? upstream.decodeKey(m)
    _ = try? GenlController.decodeFamily(m)
    _ = try? GenlController.policyHasAttribute(m, 24)
  }
  return 0
}
