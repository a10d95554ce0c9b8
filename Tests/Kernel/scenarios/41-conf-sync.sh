#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 300
#
# syncconf under a continuous ping from the server to each peer: peer 4 is
# added, peer 2 removed, peer 1's keepalive changed and peer 3's key rotated
# (a new key-id in the secondary slot). The kept peers 1 and 3 lose no
# packet; the plan -dry-run printed beforehand is exactly what was applied;
# the new peer carries traffic and the rotated key works once swapped.
# On ovpn-dco, which cannot report keys, the rotation is asked for with
# `rekey 3 secondary`.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/conf.sh"
require_ovpnctl

conf_server mp
for k in 1 2 3 4; do conf_client "$k"; done
gen_keys aes-256-gcm S3b C3b
{
	echo "interface mode mp"
	conf_peer 1 keepalive 10 60
	conf_key 1
	conf_peer 2 keepalive 10 60
	conf_key 2
	conf_peer 3 keepalive 10 60
	conf_key 3
} >v1.conf
{
	echo "interface mode mp"
	conf_peer 1 keepalive 5 60
	conf_key 1
	conf_peer 3 keepalive 10 60
	conf_key 3
	conf_key 3 secondary 1 S3b C3b
	conf_peer 4 keepalive 10 60
	conf_key 4
} >v2.conf
expect_ok ovpnctl_in srv setconf dev ovpn0 v1.conf
for k in 1 2 3; do ping_ok srv "10.200.0.$((k + 1))" 3; done
# Client 3 learns the new key in its secondary slot; it keeps encrypting with key-id 0.
expect_ok ovpnctl_in c3 key add dev ovpn0 peer 3 slot secondary key-id 1 cipher aes-256-gcm \
	encrypt C3b decrypt S3b

rekey=()
[[ $KERNEL_API == legacy ]] && rekey=(rekey 3 secondary)
expect_json ovpnctl_in srv -j -dry-run syncconf dev ovpn0 v2.conf "${rekey[@]}"
plan=$(jqv "$OUT" '.plan')
expect_jqs "$OUT" "dry-run" '."dry-run"' true '.plan | length' 5 \
	'.plan[0]' "peer add dev ovpn0 $(conf_peer 4 keepalive 10 60 | cut -d' ' -f2-)" \
	'.plan[1]' "key add dev ovpn0 $(conf_key 4 | cut -d' ' -f2-)" \
	'.plan[2]' "peer set dev ovpn0 id 1 keepalive 5 60" \
	'.plan[3]' "key add dev ovpn0 $(conf_key 3 secondary 1 S3b C3b | cut -d' ' -f2-)" \
	'.plan[4]' "peer del dev ovpn0 id 2"
# The dry run touched nothing.
expect_json ovpnctl_in srv -j peer show dev ovpn0
expect_jq "$OUT" '[.[].id] | sort' '[1,2,3]' "peers after the dry run"

# 12 s of pings at 20/s to each kept peer; syncconf runs in the middle.
for k in 1 3; do
	in_ns srv ping -n -q -i 0.05 -c 240 -W 1 "10.200.0.$((k + 1))" >"ping$k.out" 2>&1 &
	pids[k]=$!
done
sleep 3
expect_json ovpnctl_in srv -j syncconf dev ovpn0 v2.conf "${rekey[@]}"
report=$OUT
for k in 1 3; do
	wait "${pids[k]}" || true
	log "ping to peer $k: $(tail -2 "ping$k.out" | head -1)"
	expect_contains "$(<"ping$k.out")" "240 packets transmitted, 240 received, 0% packet loss" \
		"ping to kept peer $k during syncconf"
done
expect_jqs "$report" "syncconf report" '."dry-run"' false '.failed' null '."not-applied"' '[]'
expect_eq "$(jqv "$report" '.applied')" "$plan" "applied commands = the dry-run plan"

expect_json ovpnctl_in srv -j peer show dev ovpn0
expect_jqs "$OUT" "peers after syncconf" '[.[].id] | sort' '[1,3,4]' \
	'.[] | select(.id == 1) | ."keepalive-interval"' 5 \
	'.[] | select(.id == 3) | ."keepalive-interval"' 10
expect_eq "$(udp_sockets srv 1194)" 1 "UDP sockets on :1194 after syncconf"
ping_ok srv 10.200.0.5 3
if [[ $KERNEL_API == upstream ]]; then
	expect_json ovpnctl_in srv -j key show dev ovpn0 peer 3
	expect_jq "$OUT" '[.[] | [.slot, ."key-id"]]' '[["primary",0],["secondary",1]]' "peer 3 keys"
fi
# In sync now: nothing more to do.
expect_json ovpnctl_in srv -j -dry-run syncconf dev ovpn0 v2.conf
expect_jq "$OUT" '.plan' '[]' "plan once in sync"
# The rotated key is the one in use once both ends swap. On the upstream
# module the server's swap comes from the file: the new key primary, the
# old one secondary, which syncconf does with key swap (never reinstalling).
if [[ $KERNEL_API == upstream ]]; then
	sed -e "s/^$(conf_key 3)\$/$(conf_key 3 secondary 0)/" \
		-e "s/^$(conf_key 3 secondary 1 S3b C3b)\$/$(conf_key 3 primary 1 S3b C3b)/" v2.conf >v3.conf
	expect_json ovpnctl_in srv -j syncconf dev ovpn0 v3.conf
	expect_jq "$OUT" '.applied' '["key swap dev ovpn0 peer 3"]' "syncconf of the rotated file"
else
	expect_ok ovpnctl_in srv key swap dev ovpn0 peer 3
fi
expect_ok ovpnctl_in c3 key swap dev ovpn0 peer 3
ping_ok srv 10.200.0.4 3
