import DCONetlink

/// An address the test knows to be valid.
public func ip(_ text: String) -> IPAddress { IPAddress(text)! }
/// An endpoint the test knows to be valid.
public func ep(_ text: String) -> Endpoint { Endpoint(parsing: text)! }
