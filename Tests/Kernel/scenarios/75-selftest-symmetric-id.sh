#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl iperf3 tcpdump
# timeout: 420
#
# The Linux ovpn selftest test-symmetric-id.sh, ported (see selftest.sh):
# test.sh with one id per client at both ends (no tx-id).
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_SYMM=1
st_test
