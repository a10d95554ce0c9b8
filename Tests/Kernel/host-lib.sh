# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are used by the scripts that source it
# Helpers shared by the host-side kernel-test scripts (fetch-kernels,
# build-initramfs, run). Sourced, never executed. Nothing here runs in the guest:
# the guest side lives in guest-init and lib.sh.

# Repository root and cache folders (.cache/ is git-ignored).
KT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$KT_DIR/../.." && pwd)
CACHE_DIR=$REPO_ROOT/.cache
KERNELS_DIR=$CACHE_DIR/kernels
LOGS_DIR=$CACHE_DIR/kernel-logs
# Where the scenarios come from; scripts/bench points it at Tests/Bench so
# its benchmarks run in the same guest without being tests.
SCENARIOS_DIR=${KT_SCENARIOS_DIR:-$KT_DIR/scenarios}
# OpenVPN 2.7 and its trixie libraries for the upstream guest (fetch-openvpn).
OPENVPN27_DIR=$CACHE_DIR/openvpn

# The two kernels the suite knows about.
KT_ALL_KERNELS=(legacy upstream)

kt_log() { printf '%s: %s\n' "${KT_PROG:-kernel-tests}" "$*" >&2; }
kt_die() { kt_log "error: $*"; exit 1; }

kt_need_root() {
	[[ $(id -u) == 0 ]] || kt_die "must run as root (apt-get, dkms and dpkg -x need it)"
}

kt_valid_kernel() {
	local k
	for k in "${KT_ALL_KERNELS[@]}"; do [[ $1 == "$k" ]] && return 0; done
	return 1
}

# Facts about each kernel API, shared by build-initramfs (baked into the guest
# environment) and the scenarios.
kt_kernel_facts() { # NAME -> sets OVPN_KIND OVPN_MODULE OVPN_FAMILY
	case $1 in
	legacy) OVPN_KIND=ovpn-dco OVPN_MODULE=ovpn-dco-v2 OVPN_FAMILY=ovpn-dco-v2 ;;
	upstream) OVPN_KIND=ovpn OVPN_MODULE=ovpn OVPN_FAMILY=ovpn ;;
	*) kt_die "unknown kernel '$1' (expected: ${KT_ALL_KERNELS[*]})" ;;
	esac
}

# Host packages each step needs (run installs them all in one go, so a fresh
# machine refreshes its package lists once). The kernels' own packages are
# fetch-kernels' business.
KT_PKGS_FETCH=(ca-certificates dpkg kmod xz-utils zstd)
KT_PKGS_BUILD=(bash busybox-static coreutils cpio findutils gawk grep gzip iproute2
	iputils-ping jq kmod openssl openvpn procps sed util-linux xz-utils zstd gcc libc6-dev
	curl ncurses-base prometheus tmux iperf3 tcpdump nftables)
KT_PKGS_RUN=(coreutils qemu-system-x86)
KT_PKGS_LEGACY=(linux-image-cloud-amd64 linux-headers-cloud-amd64 openvpn-dco-dkms dkms)

# apt-get, non-interactive, waiting for a concurrent dpkg instead of failing.
kt_apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o DPkg::Lock::Timeout=1200 -o Dpkg::Use-Pty=0 "$@"
}

# kt_apt_ensure PKG...: install whatever is not installed yet. Quick and
# offline when everything is there; otherwise refreshes the package lists
# first (a fresh machine's may be missing, partial or stale) and installs.
KT_APT_UPDATED=0
kt_apt_ensure() {
	local p missing=()
	for p in "$@"; do
		if [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) != "ii " ]]; then
			missing+=("$p")
		fi
	done
	((${#missing[@]})) || return 0
	kt_need_root
	kt_log "installing missing packages: ${missing[*]}"
	if ((!KT_APT_UPDATED)); then
		kt_apt_get update >&2
		KT_APT_UPDATED=1
	fi
	kt_apt_get install --no-install-recommends "${missing[@]}" >&2
}

# kt_debian_mirror: print the URI of the machine's main Debian archive, taken
# from its own apt configuration (deb822 *.sources and classic *.list files),
# so no mirror host name is ever written into this repository. Override with
# OVPNCTL_DEBIAN_MIRROR=URI. The security archive and non-Debian suites are
# ignored.
kt_debian_mirror() {
	if [[ -n ${OVPNCTL_DEBIAN_MIRROR:-} ]]; then
		printf '%s\n' "${OVPNCTL_DEBIAN_MIRROR%/}"
		return
	fi
	local -a files=()
	local f uri etc=${KT_APT_ETC:-/etc/apt} # KT_APT_ETC: for testing the parser
	for f in "$etc"/sources.list.d/*.sources; do [[ -f $f ]] && files+=("$f"); done
	for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do [[ -f $f ]] && files+=("$f"); done
	((${#files[@]})) || kt_die "no apt sources found under $etc"
	# One awk handles both formats: deb822 stanzas (possibly with folded
	# continuation lines) in *.sources, one-line entries elsewhere. Candidates
	# are printed in file order; the first wins.
	uri=$(awk '
		function is_debian_suite(s) {
			return s ~ /^(oldstable|stable|testing|unstable|sid|experimental|buster|bullseye|bookworm|trixie|forky|duke)(-updates|-backports|-proposed-updates)?$/
		}
		function emit(types, uris, suites, enabled,   n, i, u, m, j, s, ok) {
			if (types !~ /(^|[ \t])deb([ \t]|$)/ || tolower(enabled) == "no") return
			m = split(suites, s, /[ \t]+/); ok = 0
			for (j = 1; j <= m; j++) if (is_debian_suite(s[j])) ok = 1
			if (!ok) return
			n = split(uris, u, /[ \t]+/)
			for (i = 1; i <= n; i++) if (u[i] != "" && u[i] !~ /security/) print u[i]
		}
		function flush() { if (inst) emit(F["types"], F["uris"], F["suites"], F["enabled"]); delete F; inst = 0; last = "" }
		FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
		deb822 {
			if ($0 ~ /^[ \t]*#/) next
			if ($0 ~ /^[ \t]*$/) { flush(); next }
			if ($0 ~ /^[ \t]/ && last != "") { F[last] = F[last] " " $0; next }
			k = tolower(substr($0, 1, index($0, ":") - 1)); v = substr($0, index($0, ":") + 1)
			gsub(/^[ \t]+|[ \t]+$/, "", v); F[k] = v; last = k; inst = 1; next
		}
		{
			sub(/#.*/, ""); if ($1 != "deb") next
			line = $0; sub(/^[ \t]*deb[ \t]+/, "", line)
			if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line)
			split(line, w, /[ \t]+/); emit("deb", w[1], w[2], "yes")
		}
		END { flush() }
	' "${files[@]}" | sed -n 1p)
	[[ -n $uri ]] || kt_die "could not find a Debian archive URI in the apt configuration (set OVPNCTL_DEBIAN_MIRROR=URI)"
	printf '%s\n' "${uri%/}"
}

# A keyring that verifies the trixie(-backports) Release file.
kt_debian_keyring() {
	local k
	for k in /usr/share/keyrings/debian-archive-keyring.gpg \
		/usr/share/keyrings/debian-archive-trixie-automatic.gpg; do
		[[ -f $k ]] && { printf '%s\n' "$k"; return; }
	done
	kt_die "no Debian archive keyring under /usr/share/keyrings (install debian-archive-keyring)"
}

# kt_private_apt STATE SUITE: a private apt for one Debian suite (main) of
# the machine's own mirror, with its lists and downloads under STATE and an
# empty dpkg status, so nothing installed on the host influences (or is
# influenced by) it. Sets KT_PRIVATE_APT_OPTS, the options to pass to apt-get
# and apt-cache. Only `update`, `download`, `show` and `depends` make sense.
kt_private_apt() {
	local state=$1 suite=$2 mirror keyring
	mirror=$(kt_debian_mirror)
	keyring=$(kt_debian_keyring)
	mkdir -p "$state"/{lists/partial,cache/archives/partial,etc,debs}
	printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" >"$state/etc/sources.list"
	KT_PRIVATE_APT_OPTS=(
		-o "Dir::Etc::SourceList=$state/etc/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$state/lists"
		-o "Dir::Cache=$state/cache"
		-o Dir::State::status=/dev/null
		-o Debug::NoLocking=1
		-o APT::Sandbox::User=root
		-o APT::Architecture=amd64
		-o Acquire::Languages=none
	)
}

# Elapsed seconds since a $EPOCHREALTIME stamp, one decimal.
kt_elapsed() {
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}
