# shellcheck shell=bash
# Tunnel helpers for the peer/key/stats/monitor scenarios. Source after lib.sh.
# Everything here is configured with ovpnctl alone (iproute2 only builds the
# underlay and puts addresses on the ovpn interfaces, as an admin would).

# no_ipv6 NS DEV: keep IPv6 autoconfiguration traffic off an interface so
# packet counters count only the test's own traffic.
no_ipv6() {
	in_ns "$1" sh -c "echo 1 > /proc/sys/net/ipv6/conf/$2/disable_ipv6" 2>/dev/null || true
}

# ovpn_link NS DEV MODE VPNADDR/PREFIX: create an ovpn link with ovpnctl, address it, bring it up.
ovpn_link() {
	local ns=$1 dev=$2 mode=$3 addr=$4
	expect_ok ovpnctl_in "$ns" link add "$dev" mode "$mode"
	no_ipv6 "$ns" "$dev"
	ip -n "$ns" addr add "$addr" dev "$dev"
	ip -n "$ns" link set "$dev" up
}

# gen_keys CIPHER NAME...: one fresh key file per NAME, from `ovpnctl key
# generate`, private to root (umask 077, as the man page advises).
gen_keys() {
	local cipher=$1 k
	shift
	for k; do
		(umask 077 && "$OVPNCTL" key generate cipher "$cipher" >"$k") || fail "key generate $cipher failed"
	done
}

# key_pair NS1 NS2 DEV ID SLOT KEYID CIPHER K1 K2: install a key on both ends,
# NS1 encrypting with K1 and decrypting with K2, NS2 the other way round.
key_pair() {
	local ns1=$1 ns2=$2 dev=$3 id=$4 slot=$5 kid=$6 cipher=$7 k1=$8 k2=$9
	expect_ok ovpnctl_in "$ns1" key add dev "$dev" peer "$id" slot "$slot" key-id "$kid" \
		cipher "$cipher" encrypt "$k1" decrypt "$k2"
	expect_ok ovpnctl_in "$ns2" key add dev "$dev" peer "$id" slot "$slot" key-id "$kid" \
		cipher "$cipher" encrypt "$k2" decrypt "$k1"
}

# p2p_tunnel [udp4|udp6|tcp] [CIPHER]: namespaces a and b joined by veth
# (10.10.0.1/2 and fd00::1/2), ovpn0 on each (10.200.0.1/2), peer id 1 on
# both ends, keys installed. Leaves K1 K2 (key files) in the working dir.
p2p_tunnel() {
	local transport=${1:-udp4} cipher=${2:-aes-256-gcm}
	mk_ns a b
	veth_pair a b 10.10.0.1 10.10.0.2
	ip -n a addr add fd00::1/64 dev veth0 nodad
	ip -n b addr add fd00::2/64 dev veth0 nodad
	ovpn_link a ovpn0 p2p 10.200.0.1/24
	ovpn_link b ovpn0 p2p 10.200.0.2/24
	case $transport in
	udp4)
		expect_ok ovpnctl_in a peer add dev ovpn0 id 1 remote 10.10.0.2:1194 local :1194
		expect_ok ovpnctl_in b peer add dev ovpn0 id 1 remote 10.10.0.1:1194
		;;
	udp6)
		expect_ok ovpnctl_in a peer add dev ovpn0 id 1 remote '[fd00::2]:1194'
		expect_ok ovpnctl_in b peer add dev ovpn0 id 1 remote '[fd00::1]:1194' local '[::]:1194'
		;;
	tcp)
		# b listens (blocks until a connects), a connects.
		ovpnctl_in b peer add dev ovpn0 id 1 proto tcp listen :1194 >listen.out 2>&1 &
		local lpid=$!
		wait_for 10 tcp_listening b 1194
		expect_ok ovpnctl_in a peer add dev ovpn0 id 1 proto tcp remote 10.10.0.2:1194
		wait "$lpid" || fail "tcp listen side failed: $(<listen.out)"
		;;
	*) fail "p2p_tunnel: unknown transport $transport" ;;
	esac
	gen_keys "$cipher" K1 K2
	key_pair a b ovpn0 1 primary 0 "$cipher" K1 K2
}

# tcp_listening NS PORT: something listens on TCP PORT in NS.
tcp_listening() { in_ns "$1" ss -Htln "sport = :$2" | grep -q .; }

# ping_ok NS ADDR COUNT: COUNT pings, all answered.
ping_ok() {
	expect_ok in_ns "$1" ping -q -n -c "$3" -i 0.2 -W 2 "$2"
	expect_stdout_contains "$3 received"
}

# peer_stats NS DEV ID: the `ovpnctl -j stats` object of one peer (the
# command's log goes to stderr so only the object reaches stdout).
peer_stats() {
	{
		expect_json ovpnctl_in "$1" -j stats dev "$2" peer "$3"
		expect_jq "$OUT" length 1 "stats objects for $2 peer $3"
	} >&2
	jqv "$OUT" '.[0]'
}

# start_monitor NS FILE: `ovpnctl -j monitor` in NS, in the background, its
# own process (so signals reach ovpnctl itself); sets MONITOR_PID.
start_monitor() {
	ip netns exec "$1" "$OVPNCTL" -j monitor >"$2" 2>"$2.err" &
	MONITOR_PID=$!
	sleep 1
	kill -0 "$MONITOR_PID" || fail "monitor exited early: $(<"$2.err")"
}

# keeper_count: how many socket keepers run in the guest.
keeper_count() {
	local n=0 p
	for p in /proc/[0-9]*; do
		[[ $(cat "$p/comm" 2>/dev/null) == ovpnctl-keeper ]] && n=$((n + 1))
	done
	echo "$n"
}

# keeper_pid NS IFINDEX: the pid of the socket keeper of interface IFINDEX in NS.
keeper_pid() {
	local p ns
	ns=$(in_ns "$1" stat -L -c %i /proc/self/ns/net)
	for p in /proc/[0-9]*; do
		[[ $(cat "$p/comm" 2>/dev/null) == ovpnctl-keeper ]] || continue
		[[ $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) == "ovpnctl-keeper $2 " ]] || continue
		[[ $(stat -L -c %i "$p/ns/net" 2>/dev/null) == "$ns" ]] && { echo "${p#/proc/}"; return; }
	done
}

# keeper_path NS DEV: the address of DEV's socket keeper in NS.
keeper_path() {
	local ino idx
	ino=$(in_ns "$1" stat -L -c %i /proc/self/ns/net)
	idx=$(in_ns "$1" cat "/sys/class/net/$2/ifindex")
	echo "/run/ovpnctl/keeper-$ino-$idx"
}
