# shellcheck shell=bash
# Shell functions for the configuration-file scenarios (setconf, syncconf, showconf,
# up/down). Source after lib.sh and tunnel.sh.
#
# The server is namespace srv with an mp interface ovpn0 (10.200.0.1/24);
# client K lives in namespace cK, joined to srv by vethK (10.10.K.1 on the
# server, 10.10.K.2 on the client; client 3 over IPv6, fd00:3::1 / fd00:3::2),
# with a p2p ovpn0 at 10.200.0.(K+1)/24 and peer id K towards the server,
# configured with ordinary ovpnctl commands. Key files: SK is what the server
# encrypts with, CK what the client encrypts with.

conf_client_addr() { if (($1 == 3)); then echo fd00:3::2; else echo "10.10.$1.2"; fi; }
conf_server_addr() { if (($1 == 3)); then echo fd00:3::1; else echo "10.10.$1.1"; fi; }
conf_endpoint() { if [[ $1 == *:* ]]; then echo "[$1]:1194"; else echo "$1:1194"; fi; }

# conf_server [MODE]: namespace srv and its interface, without peers.
conf_server() {
	mk_ns srv
	ovpn_link srv ovpn0 "${1:-mp}" 10.200.0.1/24
}

# conf_client K: client K, its peer towards the server and its primary key (key-id 0).
conf_client() {
	local k=$1
	mk_ns "c$k"
	veth_pair srv "c$k" "$(conf_server_addr "$k")" "$(conf_client_addr "$k")" "veth$k" veth0
	ovpn_link "c$k" ovpn0 p2p "10.200.0.$((k + 1))/24"
	gen_keys aes-256-gcm "S$k" "C$k"
	expect_ok ovpnctl_in "c$k" peer add dev ovpn0 id "$k" \
		remote "$(conf_endpoint "$(conf_server_addr "$k")")"
	expect_ok ovpnctl_in "c$k" key add dev ovpn0 peer "$k" slot primary key-id 0 \
		cipher aes-256-gcm encrypt "C$k" decrypt "S$k"
}

# conf_peer K [WORDS...]: the server's peer line for client K (one UDP socket on [::]:1194).
conf_peer() {
	local k=$1
	shift
	echo "peer id $k remote $(conf_endpoint "$(conf_client_addr "$k")") local [::]:1194" \
		"vpn-ip 10.200.0.$((k + 1))" "$@"
}

# conf_key K [SLOT KEYID ENC DEC]: the server's key line for client K.
conf_key() {
	local k=$1 slot=${2:-primary} kid=${3:-0} enc=${4:-S$1} dec=${5:-C$1}
	echo "key peer $k slot $slot key-id $kid cipher aes-256-gcm encrypt $enc decrypt $dec"
}

# conf_peers_json NS DEV: `peer show -j` without counters or ifindex, sorted by id.
conf_peers_json() {
	expect_json ovpnctl_in "$1" -j peer show dev "$2" >&2
	jq -c 'map(del(.ifindex, ."vpn-rx-bytes", ."vpn-tx-bytes", ."vpn-rx-packets",
		."vpn-tx-packets", ."link-rx-bytes", ."link-tx-bytes", ."link-rx-packets",
		."link-tx-packets")) | sort_by(.id)' <<<"$OUT"
}

# udp_sockets NS PORT: how many UDP sockets are bound to PORT in NS.
udp_sockets() { in_ns "$1" ss -Huan "sport = :$2" | wc -l; }
