#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 180
#
# IPv6 link-local remotes with a zone: a reaches b at [fe80::2%veth0]:1194
# (zone by name), b reaches a at [fe80::1%INDEX]:1194 (zone by index). The
# scope goes to the kernel (upstream: REMOTE_IPV6_SCOPE_ID; legacy: the
# sockaddr_in6 scope field), pings cross the tunnel, and peer show reports
# it: JSON remote-ipv6-scope-id, text %IFNAME. A zone that names no
# interface, or a zone on an IPv4 address, is a usage error. In a batch, a
# zone is looked up when its line runs.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns a b
# Only the test's link-local addresses: with the generated one next to it,
# a would send from that one and b's peer would float there.
veth_pair a b - -
for n in 1 2; do
	ns=$([[ $n == 1 ]] && echo a || echo b)
	ip -n "$ns" -6 addr flush dev veth0
	ip -n "$ns" addr add "fe80::$n/64" dev veth0 nodad
done
ovpn_link a ovpn0 p2p 10.200.0.1/24
ovpn_link b ovpn0 p2p 10.200.0.2/24
ia=$(in_ns a cat /sys/class/net/veth0/ifindex)
ib=$(in_ns b cat /sys/class/net/veth0/ifindex)

expect_exit 1 ovpnctl_in a peer add dev ovpn0 id 1 remote '[fe80::2%nosuch0]:1194'
expect_stderr_contains 'no interface named "nosuch0" for the zone'
expect_exit 1 ovpnctl_in a peer add dev ovpn0 id 1 remote '10.10.0.2%veth0:1194'
expect_stderr_contains "needs an IPv6 address"

expect_ok ovpnctl_in a peer add dev ovpn0 id 1 remote '[fe80::2%veth0]:1194'
expect_ok ovpnctl_in b peer add dev ovpn0 id 1 remote "[fe80::1%$ia]:1194"
gen_keys aes-256-gcm K1 K2
key_pair a b ovpn0 1 primary 0 aes-256-gcm K1 K2
ping_ok a 10.200.0.2 3
ping_ok b 10.200.0.1 3

expect_json ovpnctl_in a -j peer show dev ovpn0 id 1
expect_jqs "$OUT" "a's peer" '.[0]."remote-ipv6"' fe80::2 '.[0]."remote-ipv6-scope-id"' "$ia" '.[0]."remote-port"' 1194
expect_json ovpnctl_in b -j peer show dev ovpn0 id 1
expect_jqs "$OUT" "b's peer" '.[0]."remote-ipv6"' fe80::1 '.[0]."remote-ipv6-scope-id"' "$ib"
expect_ok ovpnctl_in a peer show dev ovpn0 id 1
expect_stdout_contains "remote: [fe80::2%veth0]:1194"

# A batch's lines are parsed ahead of the one that runs, but not a zone:
# it is looked up when its line runs, after the lines before it, which may
# make the interface it names. Here the batch makes zz1 anew (a new index)
# just before the peer that names it.
expect_ok ovpnctl_in a link add zz0 mode mp
expect_ok ovpnctl_in a link add zz1 mode p2p
old=$(in_ns a cat /sys/class/net/zz1/ifindex)
printf '%s\n' 'link del zz1' 'link add zz1 mode p2p' \
	'peer add dev zz0 id 5 remote [fe80::9%zz1]:1194 local [::]:1195 vpn-ip 10.201.0.5' >zone.batch
expect_ok ovpnctl_in a -batch zone.batch
new=$(in_ns a cat /sys/class/net/zz1/ifindex)
[[ $new != "$old" ]] || fail "zz1 kept its index $old"
expect_json ovpnctl_in a -j peer show dev zz0 id 5
expect_jqs "$OUT" "the peer whose zone the batch made" '.[0]."remote-ipv6-scope-id"' "$new"
