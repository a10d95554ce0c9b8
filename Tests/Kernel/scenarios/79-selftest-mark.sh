#!/bin/bash
# kernels: upstream
# legacy: its transport packets do not carry the socket mark where nft meta mark looks
# requires: ovpnctl nft
# timeout: 300
#
# The Linux ovpn selftest test-mark.sh, ported (see selftest.sh): the mp
# server's UDP socket carries SO_MARK 1056 (peer add ... mark 1056); an
# nftables rule on that mark drops exactly the marked transport packets,
# counted, and traffic recovers without it. Asymmetric ids, as in the
# original. Upstream only: the legacy module routes by the socket's mark
# (scenario 51) but its transport packets do not carry it through the
# netfilter output hook, so the rule never matches there.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_MARK=1056
st_mark
