#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# `up FILE` builds a whole p2p tunnel from a file on each end (link, address,
# peer, keys, a route through the tunnel) and `down NAME` removes it: no
# link, peer, keeper process, route or address is left behind. -dry-run up
# prints the plan and creates nothing; an up that fails mid-way takes its
# link away again.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/conf.sh"
require_ovpnctl

mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
gen_keys aes-256-gcm K1 K2
mkdir -p a.d b.d
cat >a.d/tun7.conf <<CONF
# end a
interface kind $OVPN_KIND mode p2p mtu 1400
address 10.200.0.1/24
route 10.201.0.0/24 via 10.200.0.2
peer id 1 remote 10.10.0.2:1194 keepalive 10 60
key peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt ../K1 decrypt ../K2
CONF
cat >b.d/tun7.conf <<CONF
interface mode p2p
address 10.200.0.2/24
address 10.201.0.1/24
peer id 1 remote 10.10.0.1:1194 keepalive 10 60
key peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt ../K2 decrypt ../K1
CONF

expect_ok ovpnctl_in a -dry-run up a.d/tun7.conf
expect_eq "$OUT" "link add tun7 type $OVPN_KIND mode p2p mtu 1400
ip address add 10.200.0.1/24 dev tun7
ip link set dev tun7 up
peer add dev tun7 id 1 remote 10.10.0.2:1194 keepalive 10 60
key add dev tun7 peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt a.d/../K1 decrypt a.d/../K2
ip route add 10.201.0.0/24 dev tun7 via 10.200.0.2" "dry-run plan of up"
expect_fail ip -n a link show tun7

expect_json ovpnctl_in a -j up a.d/tun7.conf
expect_jqs "$OUT" "up report" '.failed' null '.applied | length' 6
expect_ok ovpnctl_in b up b.d/tun7.conf
expect_stdout_empty
no_ipv6 a tun7
no_ipv6 b tun7
ping_ok a 10.200.0.2 3
ping_ok a 10.201.0.1 3 # through the route
expect_json ovpnctl_in a -j link show tun7
expect_jqs "$OUT" "link after up" '.[0].mtu' 1400 '.[0].up' true
expect_ok ip -n a route show 10.201.0.0/24
expect_stdout_contains "via 10.200.0.2 dev tun7"
# A second up of the same name is refused; nothing changes.
expect_exit 1 ovpnctl_in a up a.d/tun7.conf
expect_stderr_contains "tun7 already exists"
ping_ok a 10.200.0.2 2

for ns in a b; do
	expect_ok ovpnctl_in "$ns" down tun7
	expect_fail ip -n "$ns" link show tun7
	expect_ok ip -n "$ns" -o addr show
	expect_not_contains "$OUT" "10.20" "addresses left in $ns"
	expect_ok ip -n "$ns" route show
	expect_not_contains "$OUT" "10.20" "routes left in $ns"
	expect_exit 2 ovpnctl_in "$ns" peer show dev tun7
	expect_eq "$(udp_sockets "$ns" 1194)" 0 "UDP sockets left in $ns"
done
wait_for 10 test "$(keeper_count)" -eq 0

# down with the file works as with the name; a missing interface is an error.
expect_exit 2 ovpnctl_in a down a.d/tun7.conf
expect_stderr_contains "tun7"

# A step that fails takes the link away again (the peer's socket cannot
# bind an address this host does not have).
cat >a.d/tun8.conf <<CONF
peer id 1 remote 10.10.0.2:1194 local 10.99.99.99:1194
CONF
expect_exit 2 ovpnctl_in a up a.d/tun8.conf
expect_stderr_contains "Rolled back with: link del tun8"
expect_fail ip -n a link show tun8
wait_for 10 test "$(keeper_count)" -eq 0

# A file with an error creates nothing.
printf 'interface mode p2p\npeer id 1 remote 10.10.0.2\n' >a.d/tun9.conf
expect_exit 1 ovpnctl_in a up a.d/tun9.conf
expect_stderr_contains "a.d/tun9.conf:2:"
expect_fail ip -n a link show tun9
