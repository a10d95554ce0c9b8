#!/bin/bash
# kernels: upstream
# legacy: ovpn-dco-v2 has no tx-id, which the asymmetric ids of this test need
# requires: ovpnctl iperf3 tcpdump
# timeout: 420
#
# The Linux ovpn selftest test-float.sh, ported (see selftest.sh): test.sh
# where the IPv4 clients move to a new address; the server follows them and
# reports each move as a peer-float event.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_FLOAT=1
st_test
