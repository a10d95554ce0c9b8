#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 300
#
# Scenarios 4 and 8: an MP server with three clients, each client in its own
# namespace, the server's three peers added by three separate `peer add`
# calls on one local port ([::]:1194, which serves both families: clients 1
# and 2 reach it over IPv4, client 3 over IPv6). All clients ping the server
# at once; `peer show` lists exactly the three peers with their vpn IPs and
# remotes; the server holds a single UDP socket on that port.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns srv
ovpn_link srv ovpn0 mp 10.200.0.1/24
# client k: underlay address as seen by the server, and the server's address
client_addr() { if (($1 == 3)); then echo fd00:3::2; else echo "10.10.$1.2"; fi; }
server_addr() { if (($1 == 3)); then echo fd00:3::1; else echo "10.10.$1.1"; fi; }
endpoint() { if [[ $1 == *:* ]]; then echo "[$1]:1194"; else echo "$1:1194"; fi; }
for k in 1 2 3; do
	mk_ns "c$k"
	veth_pair srv "c$k" "$(server_addr "$k")" "$(client_addr "$k")" "veth$k" veth0
	ovpn_link "c$k" ovpn0 p2p "10.200.0.$((k + 1))/24"
	gen_keys aes-256-gcm "S$k" "C$k"
	# The server side: one command per client, all on [::]:1194.
	expect_ok ovpnctl_in srv peer add dev ovpn0 id "$k" remote "$(endpoint "$(client_addr "$k")")" \
		local '[::]:1194' vpn-ip "10.200.0.$((k + 1))"
	expect_ok ovpnctl_in "c$k" peer add dev ovpn0 id "$k" remote "$(endpoint "$(server_addr "$k")")"
	key_pair srv "c$k" ovpn0 "$k" primary 0 aes-256-gcm "S$k" "C$k"
done

for k in 1 2 3; do
	in_ns "c$k" ping -q -n -c 10 -i 0.1 -W 2 10.200.0.1 >"ping$k.out" 2>&1 &
	pids[k]=$!
done
for k in 1 2 3; do
	wait "${pids[k]}" || fail "client $k ping failed: $(<"ping$k.out")"
	expect_contains "$(<"ping$k.out")" "10 received" "client $k ping"
done

expect_json ovpnctl_in srv -j peer show dev ovpn0
expect_jq "$OUT" length 3 "server peers"
expect_jq "$OUT" '[.[].id] | sort' '[1,2,3]' "server peer ids"
for k in 1 2 3; do
	p=$(jqv "$OUT" ".[] | select(.id == $k)")
	expect_jq "$p" '."vpn-ipv4"' "10.200.0.$((k + 1))" "peer $k vpn-ipv4"
	if ((k == 3)); then
		expect_jq "$p" '."remote-ipv6"' fd00:3::2 "peer $k remote-ipv6"
	else
		expect_jq "$p" '."remote-ipv4"' "10.10.$k.2" "peer $k remote-ipv4"
	fi
	expect_jq "$p" '."remote-port"' 1194 "peer $k remote-port"
	expect_jq "$p" '."vpn-rx-packets"' 10 "peer $k vpn-rx-packets"
done

# One UDP socket on the server's port, shared by the three peers.
sockets=$(in_ns srv ss -Huan 'sport = :1194' | wc -l)
expect_eq "$sockets" 1 "UDP sockets on :1194 in the server namespace"
expect_json ovpnctl_in srv -j link show ovpn0
expect_jq "$OUT" '.[0].peers' 3 "link show peer count"

# A duplicate id on the MP interface is refused, and nothing changes.
expect_exit 2 ovpnctl_in srv peer add dev ovpn0 id 2 remote 10.10.2.2:1194 local '[::]:1194' vpn-ip 10.200.0.9
expect_stderr_contains "Error:"
expect_json ovpnctl_in srv -j peer show dev ovpn0
expect_jq "$OUT" length 3 "server peers after the refused duplicate"
