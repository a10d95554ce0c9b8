import CMnl

/// One received attribute. Valid only while the buffer it points into lives:
/// decoders copy scalars out and never keep an `Attribute`.
package struct Attribute {
  /// The attribute type with NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off.
  package let type: UInt16
  package let payload: UnsafeRawBufferPointer

  package var length: Int { payload.count }

  private func exact(_ size: Int) throws(NetlinkError) {
    guard payload.count == size else {
      throw .malformed("attribute \(type): \(payload.count) bytes where \(size) expected")
    }
  }

  package func u8() throws(NetlinkError) -> UInt8 {
    try exact(1)
    return payload[0]
  }

  package func u16() throws(NetlinkError) -> UInt16 {
    try exact(2)
    return payload.loadUnaligned(as: UInt16.self)
  }

  package func u32() throws(NetlinkError) -> UInt32 {
    try exact(4)
    return payload.loadUnaligned(as: UInt32.self)
  }

  package func s32() throws(NetlinkError) -> Int32 { Int32(bitPattern: try u32()) }

  package func u64() throws(NetlinkError) -> UInt64 {
    try exact(8)
    return payload.loadUnaligned(as: UInt64.self)
  }

  /// A YNL `uint` (NLA_UINT): 4 or 8 bytes, whichever the value needed.
  /// The legacy API's counters (u64 bytes, u32 packets) read the same way.
  package func uint() throws(NetlinkError) -> UInt64 {
    switch payload.count {
    case 4: return UInt64(payload.loadUnaligned(as: UInt32.self))
    case 8: return payload.loadUnaligned(as: UInt64.self)
    default: throw .malformed("attribute \(type): \(payload.count)-byte uint")
    }
  }

  package func be16() throws(NetlinkError) -> UInt16 { UInt16(bigEndian: try u16()) }
  package func be32() throws(NetlinkError) -> UInt32 { UInt32(bigEndian: try u32()) }

  /// A NUL-terminated string; the terminator must lie inside the payload.
  package func string() throws(NetlinkError) -> String {
    guard let nul = payload.firstIndex(of: 0) else {
      throw .malformed("attribute \(type): string without terminator")
    }
    return String(decoding: UnsafeRawBufferPointer(rebasing: payload[0..<nul]), as: UTF8.self)
  }

  package func bytes() -> [UInt8] { Array(payload) }

  package func bytes(count: Int) throws(NetlinkError) -> [UInt8] {
    try exact(count)
    return Array(payload)
  }

  /// The attributes nested inside this one.
  package var nested: AttributeList { AttributeList(payload) }
}

/// A run of attributes in a buffer, walked with libmnl's bounds checks.
package struct AttributeList {
  package let buffer: UnsafeRawBufferPointer

  package init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

  /// Calls `body` for every attribute except type-0 pads (unless
  /// `includingTypeZero`: policy dumps number their nests from 0). Any
  /// attribute whose header or length does not fit the buffer is an error.
  package func forEach(
    includingTypeZero: Bool = false, _ body: (Attribute) throws(NetlinkError) -> Void
  ) throws(NetlinkError) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    var offset = 0
    while offset < buffer.count {
      let remaining = buffer.count - offset
      let attr = (base + offset).assumingMemoryBound(to: nlattr.self)
      guard remaining >= MemoryLayout<nlattr>.size, mnl_attr_ok(attr, Int32(remaining)) else {
        throw .malformed("truncated attribute at offset \(offset)")
      }
      let length = Int(attr.pointee.nla_len)
      let type = mnl_attr_get_type(attr)
      if type != 0 || includingTypeZero {
        let payload = UnsafeRawBufferPointer(
          start: mnl_attr_get_payload(attr), count: Int(mnl_attr_get_payload_len(attr)))
        try body(Attribute(type: type, payload: payload))
      }
      offset += (length + 3) & ~3
    }
  }

  /// Returns the first attribute of `type`, if any, through `body`.
  package func first<R>(_ type: UInt16, _ body: (Attribute) throws(NetlinkError) -> R)
    throws(NetlinkError) -> R?
  {
    var result: R?
    try forEach { (a) throws(NetlinkError) in
      if result == nil, a.type == type { result = try body(a) }
    }
    return result
  }
}
