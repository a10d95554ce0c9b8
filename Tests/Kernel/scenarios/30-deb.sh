#!/bin/bash
# kernels: legacy upstream
# timeout: 240
#
# The Debian package: installed with dpkg -i, the installed /usr/bin/ovpnctl
# builds a tunnel that carries pings, and bash completes ovpnctl from the
# packaged completion file (interface names and peer ids read live from the
# kernel by the installed binary). Then dpkg -r removes it again.
# Needs Tests/Kernel/run --deb FILE (scripts/package builds the file).
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"

[[ -n ${OVPNCTL_DEB:-} && -f $OVPNCTL_DEB ]] ||
	skip "no .deb in this initramfs: run Tests/Kernel/run --deb FILE (scripts/package builds it)"

# The harness's own binary sits where the package installs; keep it aside
# so only the package's file is used, and put it back afterwards.
harness=/usr/lib/ovpnctl-harness-ovpnctl
restore() {
	dpkg -r ovpnctl >/dev/null 2>&1 || true
	[[ -f $harness ]] && mv -f "$harness" /usr/bin/ovpnctl
	return 0
}
trap restore EXIT
[[ -f /usr/bin/ovpnctl ]] && mv /usr/bin/ovpnctl "$harness"

expect_ok dpkg -i "$OVPNCTL_DEB"
expect_ok dpkg-query -W -f '${Status} ${Version}' ovpnctl
read -r _ _ status version <<<"$OUT"
expect_eq "$status" installed "dpkg status of ovpnctl"
expect_ok dpkg -S /usr/bin/ovpnctl
expect_eq "$OUT" "ovpnctl: /usr/bin/ovpnctl" "owner of /usr/bin/ovpnctl"
expect_ok dpkg --verify ovpnctl # every file matches the package's md5sums
expect_stdout_empty
for f in /usr/share/man/man8/ovpnctl.8.gz /usr/share/bash-completion/completions/ovpnctl \
	/usr/share/zsh/vendor-completions/_ovpnctl /usr/share/fish/vendor_completions.d/ovpnctl.fish \
	/usr/share/doc/ovpnctl/copyright /usr/share/doc/ovpnctl/changelog.gz; do
	[[ -s $f ]] || fail "$f is missing"
done
expect_ok sh -c 'gzip -dc /usr/share/man/man8/ovpnctl.8.gz | grep -m1 "^\.TH "'
expect_match "$OUT" '^\.TH OVPNCTL 8' "title line of ovpnctl.8.gz"

OVPNCTL=/usr/bin/ovpnctl
expect_ok "$OVPNCTL" -V
expect_match "$OUT" "^ovpnctl $version " "ovpnctl -V of the installed binary"

# A small demo tunnel, as in 99-demo, with the installed binary only.
mk_ns alice bob
veth_pair alice bob 192.0.2.1/24 192.0.2.2/24
ovpn_link alice tun0 p2p 10.8.0.1/24
ovpn_link bob tun0 p2p 10.8.0.2/24
expect_ok ovpnctl_in alice peer add dev tun0 id 7 remote 192.0.2.2:1194 keepalive 10 60
expect_ok ovpnctl_in bob peer add dev tun0 id 7 remote 192.0.2.1:1194 keepalive 10 60
gen_keys aes-256-gcm a2b.key b2a.key
key_pair alice bob tun0 7 primary 0 aes-256-gcm a2b.key b2a.key
ping_ok alice 10.8.0.2 3
s=$(peer_stats alice tun0 7)
expect_jq "$s" '."vpn-tx-packets" >= 3' true "alice vpn-tx-packets >= 3"

# Bash completion, in a bash started in alice's namespace: the completion
# file is found and sourced the way bash-completion's loader does (the
# command's name under completions/ in the XDG data dirs), then its
# registered function is called with the COMP_* variables bash sets.
complete_script='
for d in ${XDG_DATA_DIRS:-/usr/local/share:/usr/share}; do
	d=${d//:/ }
	for dd in $d; do
		f=$dd/bash-completion/completions/ovpnctl
		[[ -f $f ]] && break 2
	done
done
echo "file $f"
. "$f"
spec=$(complete -p ovpnctl) || { echo "nothing registered for ovpnctl"; exit 3; }
func=${spec#*-F }
func=${func%% *}
for line; do
	COMP_LINE=$line COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$func" ovpnctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	echo "== $line: ${COMPREPLY[*]}"
done'
expect_ok in_ns alice bash --norc --noprofile -c "$complete_script" bash \
	"ovpnctl li" "ovpnctl link show " "ovpnctl peer show dev tun0 id " "ovpnctl key generate cipher aes-2"
expect_stdout_contains "file /usr/share/bash-completion/completions/ovpnctl"
expect_stdout_contains "== ovpnctl li: link"
expect_stdout_contains "== ovpnctl link show : tun0"
expect_stdout_contains "== ovpnctl peer show dev tun0 id : 7"
expect_stdout_contains "== ovpnctl key generate cipher aes-2: aes-256-gcm"

# Removal takes the files away again.
expect_ok dpkg -r ovpnctl
[[ ! -e /usr/bin/ovpnctl && ! -e /usr/share/bash-completion/completions/ovpnctl ]] ||
	fail "dpkg -r left files of ovpnctl behind"
expect_fail dpkg-query -W ovpnctl
expect_stderr_contains "no packages found matching ovpnctl"
