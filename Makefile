# Conveniences over the scripts; the scripts are the source of truth.
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all build test unit kernel-test demo clean

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

clean:
	rm -rf .build

-include mk/install.mk
