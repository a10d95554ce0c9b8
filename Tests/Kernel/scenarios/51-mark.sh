#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# `mark N` (SO_MARK) on the sockets ovpnctl opens. An MP server has client 1
# on :1194 with mark 1056 and client 2 on :1195 without one: the kernel
# sees the mark on the keeper's socket (ss -e), and an `ip rule` that makes
# marked packets unroutable cuts client 1 off while client 2 keeps working,
# so the two peers never share a socket. Another mark on a port that has
# one is refused, naming the mark in use; `mark` with `fd` is a usage error.
# A TCP connection carries its mark too.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns srv
ovpn_link srv ovpn0 mp 10.200.0.1/24
for k in 1 2; do
	mk_ns "c$k"
	veth_pair srv "c$k" "10.10.$k.1" "10.10.$k.2" "veth$k" veth0
	ovpn_link "c$k" ovpn0 p2p "10.200.0.$((k + 1))/24"
	gen_keys aes-256-gcm "S$k" "C$k"
done
expect_ok ovpnctl_in srv peer add dev ovpn0 id 1 remote 10.10.1.2:1194 local :1194 vpn-ip 10.200.0.2 mark 1056
expect_ok ovpnctl_in srv peer add dev ovpn0 id 2 remote 10.10.2.2:1194 local :1195 vpn-ip 10.200.0.3
expect_ok ovpnctl_in c1 peer add dev ovpn0 id 1 remote 10.10.1.1:1194
expect_ok ovpnctl_in c2 peer add dev ovpn0 id 2 remote 10.10.2.1:1195
key_pair srv c1 ovpn0 1 primary 0 aes-256-gcm S1 C1
key_pair srv c2 ovpn0 2 primary 0 aes-256-gcm S2 C2
ping_ok srv 10.200.0.2 3
ping_ok srv 10.200.0.3 3

# The kernel's view of the keeper's sockets: the mark on :1194 only.
expect_contains "$(in_ns srv ss -Huane 'sport = :1194')" "fwmark:0x420" "socket mark on :1194"
expect_not_contains "$(in_ns srv ss -Huane 'sport = :1195')" "fwmark" "no mark on :1195"

# Marked transport packets become unroutable: only client 1 is cut off.
in_ns srv ip rule add fwmark 1056 table 100
in_ns srv ip route add unreachable default table 100
expect_fail in_ns srv ping -q -n -c 3 -i 0.2 -W 1 10.200.0.2
ping_ok srv 10.200.0.3 3
in_ns srv ip rule del fwmark 1056 table 100
ping_ok srv 10.200.0.2 3

# One local port, one mark.
expect_exit 2 ovpnctl_in srv peer add dev ovpn0 id 3 remote 10.10.1.3:1194 local :1194 vpn-ip 10.200.0.4 mark 7
expect_stderr_contains "already carries peers with mark 1056"
expect_exit 2 ovpnctl_in srv peer add dev ovpn0 id 3 remote 10.10.1.3:1194 local :1194 vpn-ip 10.200.0.4
expect_stderr_contains "already carries peers with mark 1056"
expect_exit 2 ovpnctl_in srv peer add dev ovpn0 id 3 remote 10.10.2.3:1194 local :1195 vpn-ip 10.200.0.4 mark 0x420
expect_stderr_contains "already carries peers without a mark"
expect_json ovpnctl_in srv -j peer show dev ovpn0
expect_jq "$OUT" '[.[].id] | sort' '[1,2]' "peers after the refusals"
# The same mark shares the socket.
expect_ok ovpnctl_in srv peer add dev ovpn0 id 3 remote 10.10.1.3:1194 local :1194 vpn-ip 10.200.0.4 mark 0x420
expect_eq "$(in_ns srv ss -Huan 'sport = :1194' | wc -l)" 1 "UDP sockets on :1194 with one mark"

expect_exit 1 ovpnctl_in srv peer add dev ovpn0 id 4 fd 0 mark 5
expect_stderr_contains "set SO_MARK on the socket given with"

# TCP: the connecting side's socket carries the mark.
ovpn_link c1 ovpn1 p2p 10.201.0.2/24
ovpn_link srv ovpn1 p2p 10.201.0.1/24
ovpnctl_in c1 peer add dev ovpn1 id 9 proto tcp listen :1300 >listen.out 2>&1 &
lpid=$!
wait_for 10 tcp_listening c1 1300
expect_ok ovpnctl_in srv peer add dev ovpn1 id 9 proto tcp remote 10.10.1.2:1300 mark 0x51
wait "$lpid" || fail "tcp listen failed: $(<listen.out)"
expect_contains "$(in_ns srv ss -Htane 'dport = :1300')" "fwmark:0x51" "TCP socket mark"
