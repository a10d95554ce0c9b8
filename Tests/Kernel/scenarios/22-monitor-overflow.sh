#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 300
#
# monitor under a burst it cannot keep up with: while it is stopped (and
# its receive buffer is small, -rcvbuf 16384), an MP interface with
# hundreds of peers is deleted, so the kernel drops notifications
# (ENOBUFS). When monitor runs again it says so with a lost-events object,
# follows it with a resync of the interfaces that remain, and keeps
# running. The peers come from one -batch over a UDP socket that a
# background shell owns and keeps open (fd 3), so no keeper is involved.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

count=600
mk_ns m
# a route for the transports' (never used) remote addresses
ip -n m link add d0 type dummy
ip -n m addr add 192.0.2.100/24 dev d0
ip -n m link set d0 up
ovpn_link m big mp 10.100.0.1/16
ovpn_link m keep mp 10.101.0.1/24
for ((i = 1; i <= count; i++)); do
	printf 'peer add dev big id %d fd 3 remote 192.0.2.1:1194 vpn-ip 10.100.%d.%d\n' \
		"$i" $((i / 250)) $((i % 250 + 2))
done >peers.batch
# The owner of the transports stays alive: on the upstream API the peers
# would go with the socket otherwise.
# (A UDP socket serves one interface only: keep gets its own, fd 4.)
in_ns m bash -c 'exec 3<>/dev/udp/192.0.2.1/1194 4<>/dev/udp/192.0.2.2/1194 && "$0" -batch peers.batch &&
	"$0" peer add dev keep id 9 fd 4 remote 192.0.2.2:1194 vpn-ip 10.101.0.9 && touch added && sleep 600' \
	"$OVPNCTL" >owner.log 2>&1 &
owner=$!
added() { [[ -e added ]]; }
wait_for 120 added || true
added || fail "adding the peers failed: $(tail -n 3 owner.log 2>&1)"
expect_json ovpnctl_in m -j link show big
expect_jq "$OUT" '.[0].peers' "$count" "peers on big"

ip netns exec m "$OVPNCTL" -rcvbuf 16384 -j monitor >events.json 2>events.err &
MONITOR_PID=$!
sleep 1
kill -0 "$MONITOR_PID" || fail "monitor exited early: $(<events.err)"
kill -STOP "$MONITOR_PID"
expect_ok ovpnctl_in m link del big
sleep 2
kill -CONT "$MONITOR_PID"
wait_for 30 grep -q '"event":"resync"' events.json
kill -0 "$MONITOR_PID" || fail "monitor exited after losing events"

dels=$(grep -c '"event":"peer-del"' events.json || true)
log "peer-del events seen: $dels of $count, then:"
grep -v '"event":"peer-del"' events.json
((dels < count)) || fail "no events were lost, so nothing was tested"
lost=$(grep -c '"event":"lost-events"' events.json || true)
((lost >= 1)) || fail "no lost-events object"
# each lost-events is followed by its resync
expect_eq "$(grep -c '"event":"resync"' events.json || true)" "$lost" "resync objects (one per lost-events)"
r=$(grep -m1 '"event":"resync"' events.json)
expect_jq "$r" '[.ifname, (.peers | map(tostring) | join(","))] | join(" ")' "keep 9" "resync of the remaining interface"
# still listening: a later event arrives as usual
expect_ok ovpnctl_in m peer del dev keep id 9
wait_for 10 grep -q '"id":9' events.json
kill -TERM "$MONITOR_PID"
wait "$MONITOR_PID" || fail "monitor did not exit cleanly"
kill "$owner" 2>/dev/null || true
