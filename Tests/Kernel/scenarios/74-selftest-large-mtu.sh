#!/bin/bash
# kernels: upstream
# legacy: ovpn-dco-v2 has no tx-id, which the asymmetric ids of this test need
# requires: ovpnctl iperf3 tcpdump
# timeout: 420
#
# The Linux ovpn selftest test-large-mtu.sh, ported (see selftest.sh):
# test.sh with an MTU of 1500 on every ovpn interface.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_MTU=1500
st_test
