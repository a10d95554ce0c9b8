import CMnl

/// Key material: held in memory this value owns and wiped when released.
/// It never becomes a String or an Array, so no copy outlives it.
public final class SecretBytes {
  private let storage: UnsafeMutableRawBufferPointer
  /// How many bytes the value holds now (0 until filled).
  public private(set) var count: Int

  /// An empty value with room for `capacity` bytes, zeroed.
  public init(capacity: Int) {
    storage = .allocate(byteCount: max(capacity, 1), alignment: 16)
    storage.initializeMemory(as: UInt8.self, repeating: 0)
    count = 0
  }

  /// For tests and key generation: copies `bytes` in.
  public convenience init(_ bytes: [UInt8]) {
    self.init(capacity: bytes.count)
    bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
    count = bytes.count
  }

  deinit {
    cmnl_explicit_bzero(storage.baseAddress, storage.count)
    storage.deallocate()
  }

  /// The size of the owned buffer in bytes.
  public var capacity: Int { storage.count }

  /// Calls `body` with the `count` bytes held; the pointer is valid only inside `body`.
  public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
  }

  /// Fills the buffer in place; `body` returns how many bytes it wrote.
  public func fill<E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> Int) throws(E) {
    let n = try body(storage)
    precondition(n >= 0 && n <= storage.count)
    count = n
  }
}
