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
	tests/kernel/run --kernel all --bin .build/release/ovpnctl

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

-include mk/install.mk
