// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "ovpnctl",
  products: [
    .library(name: "DCONetlink", targets: ["DCONetlink"]),
    .executable(name: "ovpnctl", targets: ["ovpnctl"]),
  ],
  targets: [
    .systemLibrary(
      name: "CMnl", pkgConfig: "libmnl", providers: [.apt(["libmnl-dev"])]),
    .target(name: "DCONetlink", dependencies: ["CMnl"]),
    .executableTarget(name: "ovpnctl", dependencies: ["DCONetlink", "CMnl"]),
    .testTarget(name: "DCONetlinkTests", dependencies: ["DCONetlink", "CMnl"]),
    .testTarget(name: "ovpnctlTests", dependencies: ["ovpnctl", "DCONetlink"]),
  ],
  swiftLanguageModes: [.v6]
)
