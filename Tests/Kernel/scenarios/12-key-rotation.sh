#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 300
#
# Scenario 3: key rotation under load. A secondary key with a new key-id goes
# in on both ends, both swap while a fast ping runs: at most a handful lost.
# Deleting the old key (now secondary) afterwards keeps traffic flowing.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

p2p_tunnel udp4 aes-256-gcm
ping_ok a 10.200.0.2 3

gen_keys aes-256-gcm K3 K4
key_pair a b ovpn0 1 secondary 1 aes-256-gcm K3 K4

count=400
in_ns a ping -q -n -i 0.01 -c "$count" -W 1 10.200.0.2 >flood.out 2>&1 &
flood=$!
sleep 1
expect_ok ovpnctl_in a key swap dev ovpn0 peer 1
expect_ok ovpnctl_in b key swap dev ovpn0 peer 1
wait "$flood" || true
cat flood.out
received=$(sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' flood.out)
[[ -n $received ]] || fail "no ping summary: $(<flood.out)"
lost=$((count - received))
log "flood: $received of $count answered across the swap"
((lost <= 5)) || fail "lost $lost packets across the key swap (more than 5)"

if [[ $KERNEL_API == upstream ]]; then
	expect_json ovpnctl_in a -j key show dev ovpn0 peer 1 slot primary
	expect_jq "$OUT" '.[0]."key-id"' 1 "primary key-id after swap"
fi

# The old key now sits in the secondary slot; remove it on both ends.
expect_ok ovpnctl_in a key del dev ovpn0 peer 1 slot secondary
expect_ok ovpnctl_in b key del dev ovpn0 peer 1 slot secondary
ping_ok a 10.200.0.2 10
