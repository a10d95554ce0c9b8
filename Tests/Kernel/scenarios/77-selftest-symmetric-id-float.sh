#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl iperf3 tcpdump
# timeout: 420
#
# The Linux ovpn selftest test-symmetric-id-float.sh, ported (see
# selftest.sh): test-float.sh with symmetric ids. The legacy module follows
# a moved peer silently (no peer-float event), so there only the new remote
# in peer show is checked.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_SYMM=1
ST_FLOAT=1
st_test
