// Multicast datagrams of both ovpn APIs, read the way `monitor` reads them:
// NotificationReader keeps the unsolicited messages, and each goes to the
// event decoders of both codecs.

@testable import DCONetlink

private let legacy = LegacyCodec(family: GenlFamily(name: "ovpn-dco-v2", id: 0x1a))
private let upstream = UpstreamCodec(family: GenlFamily(name: "ovpn", id: 0x1b))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  try? NotificationReader.forEach(UnsafeRawBufferPointer(start: data, count: size)) {
    (m) throws(NetlinkError) in
    _ = try? legacy.decodeEvent(m)
    _ = try? upstream.decodeEvent(m)
  }
  return 0
}
