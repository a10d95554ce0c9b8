#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# Newer upstream features, detected rather than assumed: a UDP peer that
# moves to a new address floats (upstream >= 7.1 reports it as a peer-float
# event; every kernel shows the new remote in peer show), and an asymmetric
# transmit id (`tx-id`, upstream >= 7.1) is accepted where the kernel's
# policy knows it and refused with a clear sentence where it does not.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

p2p_tunnel udp4
ping_ok a 10.200.0.2 2
start_monitor a events.json

# b moves from 10.10.0.2 to 10.10.0.3; its next packets come from there.
ip -n b addr del 10.10.0.2/24 dev veth0
ip -n b addr add 10.10.0.3/24 dev veth0
ping_ok b 10.200.0.1 3
expect_json ovpnctl_in a -j peer show dev ovpn0 id 1
expect_jq "$OUT" '.[0]."remote-ipv4"' 10.10.0.3 "remote after the float"

if [[ $KERNEL_API == upstream ]]; then
	wait_for 10 grep -q '"event":"peer-float"' events.json
	f=$(grep -m1 '"event":"peer-float"' events.json)
	expect_jq "$f" '[.ifname, .id, ."remote-ipv4", ."remote-port"] | map(tostring) | join(" ")' \
		"ovpn0 1 10.10.0.3 1194" "peer-float event"
fi
kill -TERM "$MONITOR_PID"
wait "$MONITOR_PID" || fail "monitor did not exit cleanly"
cleanup_all

# tx-id
mk_ns t
ovpn_link t ovpn1 p2p 10.202.0.1/24
case $KERNEL_API in
upstream)
	expect_ok ovpnctl_in t peer add dev ovpn1 id 3 tx-id 30 remote 192.0.2.3:1194
	expect_json ovpnctl_in t -j peer show dev ovpn1 id 3
	expect_jq "$OUT" '.[0]."tx-id"' 30 "tx-id"
	expect_ok ovpnctl_in t peer set dev ovpn1 id 3 tx-id 31
	expect_json ovpnctl_in t -j peer show dev ovpn1 id 3
	expect_jq "$OUT" '.[0]."tx-id"' 31 "tx-id after peer set"
	;;
legacy)
	expect_exit 2 ovpnctl_in t peer add dev ovpn1 id 3 tx-id 30 remote 192.0.2.3:1194
	expect_stderr_contains "tx-id needs the upstream ovpn API"
	expect_json ovpnctl_in t -j link show ovpn1
	;;
esac
