#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 300
#
# setconf of a 3-peer mp file (two clients over IPv4, one over IPv6, one UDP
# socket on [::]:1194) carries traffic to every client; showconf's output,
# fed to setconf on a fresh interface, gives the same `peer show -j` (minus
# counters and ifindex), and syncing it onto the interface it came from
# plans nothing.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/conf.sh"
require_ovpnctl

conf_server mp
for k in 1 2 3; do conf_client "$k"; done
{
	echo "# the server"
	echo "interface kind $OVPN_KIND mode mp"
	for k in 1 2 3; do
		conf_peer "$k" keepalive 10 60
		conf_key "$k"
	done
} >srv.conf
expect_ok ovpnctl_in srv setconf dev ovpn0 srv.conf
expect_stdout_empty
before=$(conf_peers_json srv ovpn0)
expect_jq "$before" '[.[].id]' '[1,2,3]' "peers after setconf"
expect_jq "$before" '[.[]."keepalive-interval"]' '[10,10,10]' "keepalive after setconf"
expect_eq "$(udp_sockets srv 1194)" 1 "UDP sockets on :1194 after setconf"
for k in 1 2 3; do ping_ok srv "10.200.0.$((k + 1))" 5; done

expect_ok ovpnctl_in srv showconf dev ovpn0
printf '%s\n' "$OUT" >shown.conf
expect_contains "$OUT" "interface kind $OVPN_KIND mode mp" "showconf interface line"
expect_contains "$OUT" "peer id 3 remote [fd00:3::2]:1194 local [::]:1194 vpn-ip 10.200.0.4 keepalive 10 60" "showconf peer 3"
if [[ $KERNEL_API == upstream ]]; then
	expect_contains "$OUT" "# key peer 2 slot primary key-id 0 cipher aes-gcm" "showconf key comment"
else
	expect_contains "$OUT" "# keys: the ovpn-dco-v2 API cannot report them" "showconf key comment"
fi
# Its own output synced back onto it changes nothing.
expect_ok ovpnctl_in srv -dry-run syncconf dev ovpn0 shown.conf
expect_stdout_empty

# A fresh interface: the old one goes, with its keeper and its socket.
expect_ok ovpnctl_in srv link del ovpn0
wait_for 10 test "$(udp_sockets srv 1194)" -eq 0
expect_ok ovpnctl_in srv link add ovpn0 type "$OVPN_KIND" mode mp
expect_ok ovpnctl_in srv setconf dev ovpn0 shown.conf
after=$(conf_peers_json srv ovpn0)
expect_eq "$after" "$before" "peer show -j after showconf | setconf on a fresh interface"
expect_eq "$(udp_sockets srv 1194)" 1 "UDP sockets on :1194 after the round trip"
