#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# Scenarios 9 and 10: the socket keeper's lifetime. After `peer del` of the
# last peer, and after `link del`, no keeper and no socket of ours remains.
# Killing a keeper: on the upstream API its peers go with reason
# transport-disconnect (the kernel holds no reference to the socket); on the
# legacy API the module keeps its own reference and the peer stays.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

no_sockets() { # NS: no UDP socket on :1194 left in NS
	[[ -z $(in_ns "$1" ss -Huan 'sport = :1194') ]]
}
no_keepers() { [[ $(keeper_count) == 0 ]]; }

# peer del of the last peer ends the keepers and frees the port.
p2p_tunnel udp4
expect_eq "$(keeper_count)" 2 "keepers while the tunnel is up"
expect_ok ovpnctl_in a peer del dev ovpn0 id 1
expect_ok ovpnctl_in b peer del dev ovpn0 id 1
wait_for 10 no_keepers
wait_for 5 no_sockets a
wait_for 5 no_sockets b
cleanup_all

# link del ends them too.
p2p_tunnel udp4
expect_ok ovpnctl_in a link del ovpn0
expect_ok ovpnctl_in b link del ovpn0
wait_for 10 no_keepers
wait_for 5 no_sockets a
cleanup_all

# Killing a keeper.
p2p_tunnel udp4
ping_ok a 10.200.0.2 3
start_monitor a events.json
mon=$MONITOR_PID
victim=
for pid in $(ip netns pids a); do # the keeper serving namespace a
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == ovpnctl-keeper ]] && victim=$pid
done
[[ -n $victim ]] || fail "no keeper found in namespace a"
kill -KILL "$victim"
case $KERNEL_API in
upstream)
	wait_for 10 grep -q '"reason":"transport-disconnect"' events.json
	expect_json ovpnctl_in a -j peer show dev ovpn0
	expect_jq "$OUT" length 0 "peers left after the keeper died"
	;;
legacy)
	sleep 2
	expect_not_contains "$(<events.json)" peer-del "events after the keeper died"
	ping_ok a 10.200.0.2 3
	;;
esac
kill -TERM "$mon"
wait "$mon" || true
