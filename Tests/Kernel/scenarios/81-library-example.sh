#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 120
#
# The library's example program (Examples/PeerReport, built beside ovpnctl)
# on a real tunnel (a is an MP server: ovpn-dco-v2 lists no peers of a p2p
# interface): through OvpnInterface it lists the interface, its API and its
# peer with the same counters `stats -j` reports, and with --watch it
# reports the peer's deletion as the kernel notifies it.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl
command -v ovpn-peer-report >/dev/null ||
	fail "ovpn-peer-report is not in this initramfs: scripts/build builds it beside ovpnctl"

mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
ovpn_link a ovpn0 mp 10.200.0.1/24
ovpn_link b ovpn0 p2p 10.200.0.2/24
expect_ok ovpnctl_in a peer add dev ovpn0 id 1 remote 10.10.0.2:1194 local :1194 vpn-ip 10.200.0.2
expect_ok ovpnctl_in b peer add dev ovpn0 id 1 remote 10.10.0.1:1194
gen_keys aes-256-gcm K1 K2
key_pair a b ovpn0 1 primary 0 aes-256-gcm K1 K2
ping_ok a 10.200.0.2 3
expect_json ovpnctl_in a -j link show ovpn0
api=$(jqv "$OUT" '.[0].kind')
stats=$(peer_stats a ovpn0 1)
rx=$(jqv "$stats" '."vpn-rx-bytes"')
tx=$(jqv "$stats" '."vpn-tx-bytes"')
expect_ok in_ns a ovpn-peer-report
log "$OUT"
expect_stdout_contains "ovpn0 ($api, ifindex "
expect_stdout_contains "  peer 1 10.10.0.2:1194 rx $rx B tx $tx B"

in_ns a ovpn-peer-report --watch >watch.out 2>watch.err &
watcher=$!
wait_for 10 grep -q "peer 1 10.10.0.2:1194" watch.out
expect_ok ovpnctl_in a peer del dev ovpn0 id 1
wait_for 10 grep -q "ovpn0: peer 1 deleted (userspace)" watch.out
kill "$watcher"
wait "$watcher" || true
[[ ! -s watch.err ]] || fail "ovpn-peer-report --watch wrote errors: $(<watch.err)"
log "$(<watch.out)"
