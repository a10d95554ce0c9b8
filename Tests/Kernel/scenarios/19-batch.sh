#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# -batch: many commands over one netlink socket. Blank and # lines are
# skipped; MP peers added in one batch share one UDP socket with a peer
# added later by a separate invocation; the first failure stops the run with
# "Command failed FILE:LINE" unless -force, which runs on and still fails.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns s
cat >setup.batch <<'B'
# an MP server and two peers on one port
link add mp0 mode mp

peer add dev mp0 id 1 remote 192.0.2.1:1194 local :1194 vpn-ip 10.203.0.2
peer add dev mp0 id 2 remote 192.0.2.2:1194 local :1194 vpn-ip 10.203.0.3   # trailing comment
B
expect_ok ovpnctl_in s -batch setup.batch
expect_ok ovpnctl_in s peer add dev mp0 id 3 remote 192.0.2.3:1194 vpn-ip 10.203.0.4
expect_json ovpnctl_in s -j peer show dev mp0
expect_jq "$OUT" '[.[].id] | sort' '[1,2,3]' "peers from the batch and after it"
expect_eq "$(in_ns s ss -Huan 'sport = :1194' | wc -l)" 1 "UDP sockets on :1194"

printf 'peer del dev mp0 id 1\npeer del dev mp0 id 42\npeer del dev mp0 id 2\n' >stop.batch
expect_exit 2 ovpnctl_in s -batch stop.batch
expect_stderr_contains "Command failed stop.batch:2"
expect_json ovpnctl_in s -j peer show dev mp0
expect_jq "$OUT" '[.[].id] | sort' '[2,3]' "peers after the stopped batch"

printf 'peer del dev mp0 id 42\npeer del dev mp0 id 2\n' >force.batch
expect_exit 2 ovpnctl_in s -force -batch force.batch
expect_stderr_contains "Command failed force.batch:1"
expect_json ovpnctl_in s -j peer show dev mp0
expect_jq "$OUT" '[.[].id]' '[3]' "peers after the forced batch"

# A usage error inside a batch is exit status 1, and stdin works as FILE.
expect_exit 1 in_ns s sh -c "printf 'peer frob\n' | '$OVPNCTL' -batch -"
expect_stderr_contains "Command failed -:1"
