#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 180
#
# The main job in one screen (scripts/demo prints this scenario's log): two
# namespaces, a tunnel built with ovpnctl alone, pings through it, and what
# ovpnctl shows of it.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

# The log shows each command as an admin would type it.
ovpnctl() { "$OVPNCTL" "$@"; }
log "kernel $KERNEL_RELEASE, $OVPN_FAMILY API"
mk_ns alice bob
veth_pair alice bob 192.0.2.1/24 192.0.2.2/24
for ns in alice bob; do
	expect_ok ovpnctl -n "$ns" link add tun0 mode p2p
	no_ipv6 "$ns" tun0
done
ip -n alice addr add 10.8.0.1/24 dev tun0 && ip -n alice link set tun0 up
ip -n bob addr add 10.8.0.2/24 dev tun0 && ip -n bob link set tun0 up
expect_ok ovpnctl -n alice peer add dev tun0 id 7 remote 192.0.2.2:1194 keepalive 10 60
expect_ok ovpnctl -n bob peer add dev tun0 id 7 remote 192.0.2.1:1194 keepalive 10 60
umask 077 # key files private: key generate warns otherwise
"$OVPNCTL" key generate cipher aes-256-gcm >a2b.key
"$OVPNCTL" key generate cipher aes-256-gcm >b2a.key
expect_ok ovpnctl -n alice key add dev tun0 peer 7 slot primary key-id 0 cipher aes-256-gcm \
	encrypt a2b.key decrypt b2a.key
expect_ok ovpnctl -n bob key add dev tun0 peer 7 slot primary key-id 0 cipher aes-256-gcm \
	encrypt b2a.key decrypt a2b.key
ping_ok alice 10.8.0.2 5
expect_ok ovpnctl -n alice link show
expect_ok ovpnctl -n alice peer show
expect_ok ovpnctl -n alice stats
expect_json ovpnctl -n alice -j -p stats dev tun0
if [[ $KERNEL_API == upstream ]]; then expect_ok ovpnctl -n alice key show dev tun0 peer 7; fi
