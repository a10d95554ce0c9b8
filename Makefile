# Conveniences over the scripts; the scripts are the source of truth.
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all build test unit kernel-test demo clean deb fuzz print-bin

all: build

build:
	scripts/build

unit:
	swift test

kernel-test: build
	Tests/Kernel/run --kernel all --bin .build/release/ovpnctl

test:
	scripts/test

demo:
	scripts/demo

# The Debian package of the binary `build` makes (scripts/package).
deb: build
	scripts/package --bin $(OVPNCTL_BIN)

fuzz:
	scripts/fuzz

print-bin:
	@echo $(OVPNCTL_BIN)

clean:
	rm -rf .build .build-deb .build-fuzz


# Install and uninstall. Builds nothing: run `make build` (scripts/build)
# first, as the user who owns the tree, then `make install` as root.
#   make install [PREFIX=/usr/local] [DESTDIR=/staging/root]
INSTALL ?= install

OVPNCTL_BIN ?= .build/release/ovpnctl
SBINDIR ?= $(PREFIX)/sbin
MAN8DIR ?= $(PREFIX)/share/man/man8
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

.PHONY: install uninstall

install:
	@test -x $(OVPNCTL_BIN) || { echo "$(OVPNCTL_BIN) is missing: run make build first" >&2; exit 1; }
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MAN8DIR) $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	$(INSTALL) -m 0755 $(OVPNCTL_BIN) $(DESTDIR)$(SBINDIR)/ovpnctl
	$(INSTALL) -m 0644 man/ovpnctl.8 $(DESTDIR)$(MAN8DIR)/ovpnctl.8
	$(INSTALL) -m 0644 completions/ovpnctl.bash $(DESTDIR)$(BASHCOMPDIR)/ovpnctl
	$(INSTALL) -m 0644 completions/_ovpnctl $(DESTDIR)$(ZSHCOMPDIR)/_ovpnctl
	$(INSTALL) -m 0644 completions/ovpnctl.fish $(DESTDIR)$(FISHCOMPDIR)/ovpnctl.fish
	sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/ovpnctl@.service >$(DESTDIR)$(SYSTEMDUNITDIR)/ovpnctl@.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/ovpnctl@.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ovpnctl $(DESTDIR)$(MAN8DIR)/ovpnctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/ovpnctl $(DESTDIR)$(ZSHCOMPDIR)/_ovpnctl \
		$(DESTDIR)$(FISHCOMPDIR)/ovpnctl.fish $(DESTDIR)$(SYSTEMDUNITDIR)/ovpnctl@.service
