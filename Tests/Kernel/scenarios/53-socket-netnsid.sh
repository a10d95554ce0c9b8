#!/bin/bash
# kernels: upstream
# legacy: ovpn-dco-v2 has no socket-netnsid attribute
# requires: ovpnctl
# timeout: 120
#
# socket-netnsid: the transport socket lives in another namespace than the
# interface. A shell in namespace a opens a UDP socket (bash /dev/udp) and
# runs `ovpnctl -n b peer add ... fd 5` for b's interface; b's peer show
# then carries socket-netnsid (text and JSON), the id that b knows a by
# (`ip netns list-id`). A peer whose socket is in its own namespace has none.
# ovpn-dco-v2 does not report the attribute.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns a b c
veth_pair a c 10.10.0.1 10.10.0.2
ovpn_link b ovpn0 p2p 10.200.0.1/24
in_ns a bash -c '
	exec 5<>/dev/udp/10.10.0.2/1194 || exit 9
	"$0" -n b peer add dev ovpn0 id 1 fd 5 remote 10.10.0.2:1194 || exit $?
	"$0" -n b -j peer show dev ovpn0 id 1 >peer.json || exit $?
	"$0" -n b peer show dev ovpn0 id 1 >peer.txt || exit $?
' "$OVPNCTL" && rc=0 || rc=$?
expect_eq "$rc" 0 "peer add over a socket of namespace a"
nsid=$(ip -n b netns list-id | sed -n 's/^nsid \([0-9]*\) .*name: a)$/\1/p')
log "b knows a as nsid '$nsid': $(ip -n b netns list-id)"
[[ -n $nsid ]] || fail "b has no id for namespace a"
expect_jq "$(<peer.json)" '.[0]."socket-netnsid"' "$nsid" "socket-netnsid in JSON"
expect_contains "$(<peer.txt)" "socket-netnsid: $nsid" "socket-netnsid in text"

# A peer over a socket of b's own namespace: no socket-netnsid.
expect_ok ovpnctl_in b link add ovpn1 mode p2p
expect_ok ovpnctl_in b peer add dev ovpn1 id 2 remote 10.10.9.9:1194
expect_json ovpnctl_in b -j peer show dev ovpn1 id 2
expect_jq "$OUT" '.[0] | has("socket-netnsid")' false "own-namespace socket"
