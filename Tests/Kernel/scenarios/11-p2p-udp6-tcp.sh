#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 300
#
# Scenario 2: the p2p tunnel over IPv6 transport, then over TCP (one end
# listens, the other connects), each carrying pings with the counters moving.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

p2p_tunnel udp6 chacha20-poly1305
ping_ok a 10.200.0.2 5
expect_json ovpnctl_in a -j peer show dev ovpn0 id 1
expect_jq "$OUT" '.[0]."remote-ipv6"' fd00::2 "remote-ipv6"
expect_jq "$OUT" '.[0]."vpn-tx-packets"' 5 "vpn-tx-packets over IPv6"
cleanup_all

p2p_tunnel tcp aes-128-gcm
ping_ok a 10.200.0.2 5
ping_ok b 10.200.0.1 5
s=$(peer_stats b ovpn0 1)
expect_jq "$s" '."vpn-rx-packets"' 10 "tcp peer vpn-rx-packets"
# A TCP peer has no UDP bind: no remote in the kernel's answer.
expect_json ovpnctl_in b -j peer show dev ovpn0 id 1
expect_jq "$OUT" '.[0]."remote-ipv4"' null "tcp peer has no remote address attribute"
