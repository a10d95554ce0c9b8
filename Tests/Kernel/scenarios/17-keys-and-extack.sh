#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# Scenarios 11 and 12: `key show` lists key-id and cipher of both slots after
# a rotation and never key material (upstream); on the legacy API it says the
# module cannot read keys back (exit 2). An error the kernel explains prints
# the kernel's own extack text (upstream); the legacy module's bare errno is
# turned into a precise sentence.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

p2p_tunnel udp4 aes-256-gcm
gen_keys chacha20-poly1305 K3 K4
key_pair a b ovpn0 1 secondary 5 chacha20-poly1305 K3 K4
expect_ok ovpnctl_in a key swap dev ovpn0 peer 1
expect_ok ovpnctl_in b key swap dev ovpn0 peer 1
ping_ok a 10.200.0.2 3

case $KERNEL_API in
upstream)
	expect_json ovpnctl_in a -j key show dev ovpn0 peer 1
	expect_jq "$OUT" length 2 "key slots"
	expect_jq "$OUT" '.[] | select(.slot == "primary") | [."key-id", .cipher] | join(" ")' \
		"5 chacha20-poly1305" "primary slot"
	expect_jq "$OUT" '.[] | select(.slot == "secondary") | [."key-id", .cipher] | join(" ")' \
		"0 aes-gcm" "secondary slot"
	expect_jq "$OUT" '[.[] | keys[]] | unique | join(",")' "cipher,id,ifindex,ifname,key-id,slot" "key show keys"
	for k in K1 K2 K3 K4; do
		expect_not_contains "$OUT" "$(head -c 12 "$k")" "key show output (material of $k)"
	done
	expect_ok ovpnctl_in a key show dev ovpn0 peer 1
	expect_stdout_contains "primary: key-id 5 cipher chacha20-poly1305"
	# Scenario 12: the kernel explains, ovpnctl prints it.
	expect_exit 2 ovpnctl_in a peer set dev ovpn0 id 1 vpn-ip 10.200.0.9
	expect_stderr_contains "unexpected VPN IP in P2P mode"
	expect_exit 2 ovpnctl_in a key show dev ovpn0 peer 9
	expect_stderr_matches 'Error: .*peer.*9'
	;;
legacy)
	expect_exit 2 ovpnctl_in a key show dev ovpn0 peer 1
	expect_stderr_contains "cannot read keys back"
	# No extack from this module: the errno becomes a sentence.
	mk_ns m
	ovpn_link m mp0 mp 10.201.0.1/24
	expect_exit 2 ovpnctl_in m peer add dev mp0 id 4 remote 192.0.2.4:1194
	expect_stderr_contains "needs a vpn-ip"
	expect_exit 2 ovpnctl_in a peer set dev ovpn0 id 1 vpn-ip 10.200.0.9
	expect_stderr_contains "can change only keepalive"
	;;
esac
