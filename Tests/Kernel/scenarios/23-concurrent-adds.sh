#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 180
#
# Separate invocations at the same moment: six `peer add` on one MP
# interface and one local port, started together. One of them starts the
# interface's keeper (under /run/ovpnctl/lock), the others wait for it or
# find it; the keeper serves them all at once and opens the port's socket
# only once. All six succeed, with one keeper and one UDP socket on the port.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns s
ip -n s link add d0 type dummy
ip -n s addr add 192.0.2.100/24 dev d0
ip -n s link set d0 up
ovpn_link s mp0 mp 10.204.0.1/24
pids=()
for k in 1 2 3 4 5 6; do
	ip netns exec s "$OVPNCTL" peer add dev mp0 id "$k" remote "192.0.2.$k:1194" local :1194 \
		vpn-ip "10.204.0.$((k + 1))" >"add$k.out" 2>&1 &
	pids+=($!)
done
for k in 1 2 3 4 5 6; do
	wait "${pids[k - 1]}" || fail "peer add $k failed: $(<"add$k.out")"
done
expect_json ovpnctl_in s -j peer show dev mp0
expect_jq "$OUT" '[.[].id] | sort' '[1,2,3,4,5,6]' "peers added concurrently"
expect_eq "$(in_ns s ss -Huan 'sport = :1194' | wc -l)" 1 "UDP sockets on :1194"
expect_eq "$(keeper_count)" 1 "keepers"
