#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# Dual stack on one MP interface, by the keeper's one rule: a wildcard local
# port is one IPv6 socket with IPV6_V6ONLY off. An IPv4 peer and an IPv6
# peer added with the default local (:1194), in that order and by separate
# commands, share that one socket ([::]:1194) and both carry traffic; then a
# second interface adds them the other way round (IPv6 first, explicit
# 0.0.0.0:1195 for the IPv4 peer) with the same outcome.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns srv c4 c6
veth_pair srv c4 10.10.4.1 10.10.4.2 veth4 veth0
veth_pair srv c6 fd00:6::1 fd00:6::2 veth6 veth0
ovpn_link srv ovpn0 mp 10.200.0.1/24
ovpn_link c4 ovpn0 p2p 10.200.0.4/24
ovpn_link c6 ovpn0 p2p 10.200.0.6/24
gen_keys aes-256-gcm S4 C4 S6 C6

expect_ok ovpnctl_in srv peer add dev ovpn0 id 4 remote 10.10.4.2:1194 vpn-ip 10.200.0.4
expect_ok ovpnctl_in srv peer add dev ovpn0 id 6 remote '[fd00:6::2]:1194' vpn-ip 10.200.0.6
expect_ok ovpnctl_in c4 peer add dev ovpn0 id 4 remote 10.10.4.1:1194
expect_ok ovpnctl_in c6 peer add dev ovpn0 id 6 remote '[fd00:6::1]:1194'
key_pair srv c4 ovpn0 4 primary 0 aes-256-gcm S4 C4
key_pair srv c6 ovpn0 6 primary 0 aes-256-gcm S6 C6
ping_ok c4 10.200.0.1 5
ping_ok c6 10.200.0.1 5
ping_ok srv 10.200.0.4 3
ping_ok srv 10.200.0.6 3

socks=$(in_ns srv ss -Huan 'sport = :1194')
log "server sockets on :1194: $socks"
expect_eq "$(wc -l <<<"$socks")" 1 "UDP sockets on :1194 for both families"
# ss names a dual-stack IPv6 wildcard socket *:PORT ([::]:PORT would be
# IPV6_V6ONLY, 0.0.0.0:PORT IPv4).
expect_contains "$socks" " *:1194 " "the shared socket is dual-stack IPv6"
expect_json ovpnctl_in srv -j peer show dev ovpn0
p4=$(jqv "$OUT" '.[] | select(.id == 4)')
p6=$(jqv "$OUT" '.[] | select(.id == 6)')
expect_jqs "$p4" "IPv4 peer" '."remote-ipv4"' 10.10.4.2 '."local-port"' 1194 '."vpn-rx-packets" > 0' true
expect_jqs "$p6" "IPv6 peer" '."remote-ipv6"' fd00:6::2 '."local-port"' 1194 '."vpn-rx-packets" > 0' true

# The other order on a second interface and port: IPv6 first, then IPv4
# with an explicit IPv4 wildcard, which the same rule maps to [::]:1195.
ovpn_link srv ovpn1 mp 10.201.0.1/24
ovpn_link c4 ovpn1 p2p 10.201.0.4/24
ovpn_link c6 ovpn1 p2p 10.201.0.6/24
expect_ok ovpnctl_in srv peer add dev ovpn1 id 6 remote '[fd00:6::2]:1195' local :1195 vpn-ip 10.201.0.6
expect_ok ovpnctl_in srv peer add dev ovpn1 id 4 remote 10.10.4.2:1195 local 0.0.0.0:1195 vpn-ip 10.201.0.4
expect_ok ovpnctl_in c4 peer add dev ovpn1 id 4 remote 10.10.4.1:1195 local :1195
expect_ok ovpnctl_in c6 peer add dev ovpn1 id 6 remote '[fd00:6::1]:1195' local :1195
key_pair srv c4 ovpn1 4 primary 0 aes-256-gcm S4 C4
key_pair srv c6 ovpn1 6 primary 0 aes-256-gcm S6 C6
ping_ok c4 10.201.0.1 3
ping_ok c6 10.201.0.1 3
expect_eq "$(in_ns srv ss -Huan 'sport = :1195' | wc -l)" 1 "UDP sockets on :1195 for both families"
