#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# A configuration file is checked whole before the kernel sees any of it: a
# mistake on line N (a bad remote, a short key file, a duplicate id, a file
# that does not fit the interface) exits 1, names FILE:N, and the kernel state
# is unchanged. When the kernel refuses a step mid-way (the socket of a new
# peer cannot bind an address that is not local), syncconf stops there and
# reports exactly what was applied, what failed and what was not run.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/conf.sh"
require_ovpnctl

conf_server mp
for k in 1 2; do conf_client "$k"; done
{
	conf_peer 1
	conf_key 1
	conf_peer 2
	conf_key 2
} >good.conf
expect_ok ovpnctl_in srv setconf dev ovpn0 good.conf
ping_ok srv 10.200.0.2 3 # (traffic first: the kernel learns peer 1's local address)
state=$(conf_peers_json srv ovpn0)
expect_jq "$state" '[.[].id]' '[1,2]' "peers of good.conf"

# check_refused FILE LINE TEXT: syncconf and setconf exit 1 naming FILE:LINE, nothing changes.
check_refused() {
	local file=$1 line=$2 text=$3 verb
	for verb in syncconf setconf; do
		expect_exit 1 ovpnctl_in srv "$verb" dev ovpn0 "$file"
		expect_stderr_contains "Error: $file:$line: $text"
		expect_stdout_empty
	done
	expect_eq "$(conf_peers_json srv ovpn0)" "$state" "kernel state after the refused $file"
}

{ cat good.conf; echo "peer id 3 remote 10.10.3.2 vpn-ip 10.200.0.4"; } >noport.conf
check_refused noport.conf 5 'argument "10.10.3.2" is wrong'
"$OVPNCTL" key generate cipher aes-128-gcm >short.key
{ cat good.conf; conf_peer 3; conf_key 3 primary 0 S1 short.key; } >shortkey.conf
check_refused shortkey.conf 6 'decrypt key file "short.key" holds 24 bytes; aes-256-gcm needs 40'
{ head -2 good.conf; echo; echo "# again"; conf_peer 1; } >dup.conf
check_refused dup.conf 5 "peer id 1 is already declared on line 1"
{ echo "interface kind $OVPN_KIND mode p2p"; cat good.conf; } >mode.conf
check_refused mode.conf 1 "the file says mode p2p"
{ cat good.conf; echo "peer id 3 remote 10.10.3.2:1194"; } >novpn.conf
check_refused novpn.conf 5 "a peer of an mp interface needs a vpn-ip"
expect_exit 1 ovpnctl_in srv syncconf dev ovpn0 missing.conf
expect_stderr_contains 'cannot read configuration file "missing.conf"'

# The kernel refuses a step mid-way: peer 3 binds an address this host does not have.
gen_keys aes-256-gcm S3 C3 S4 C4
{
	conf_peer 2
	conf_key 2
	conf_peer 3
	conf_key 3
	echo "peer id 4 remote 10.10.4.2:1194 local 10.99.99.99:1194 vpn-ip 10.200.0.5"
	conf_key 4
} >midway.conf
expect_json ovpnctl_in srv -j -dry-run syncconf dev ovpn0 midway.conf
plan=$OUT
expect_jq "$plan" '.plan | length' 5 "midway plan length"
expect_exit 2 ovpnctl_in srv -j syncconf dev ovpn0 midway.conf
report=$OUT
expect_stderr_contains "Error: bind 10.99.99.99:1194"
expect_jqs "$report" "midway report" \
	'.applied' "$(jqv "$plan" '.plan[0:2]')" \
	'.failed.command' "$(jqv "$plan" '.plan[2]')" \
	'.failed.error' "$(head -1 <<<"$ERR")" \
	'."not-applied"' "$(jqv "$plan" '.plan[3:]')"
expect_jq "$report" '."not-applied"[1]' "peer del dev ovpn0 id 1" "the removal was not run"
# The kernel holds what the report says was applied, and nothing else.
expect_json ovpnctl_in srv -j peer show dev ovpn0
expect_jq "$OUT" '[.[].id] | sort' '[1,2,3]' "peers after the refused step"
# Text mode says the same on stderr.
expect_exit 2 ovpnctl_in srv syncconf dev ovpn0 midway.conf
expect_stderr_contains "Applied 0 of 3 commands:"
expect_stderr_contains "Failed:"
expect_stderr_contains "Not applied:"
expect_stderr_contains "  peer del dev ovpn0 id 1"
