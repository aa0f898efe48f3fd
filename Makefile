# ftrace-cli: build, install and uninstall the binary, its man page and its
# shell completions.
#
#   make                   build target/release/ftrace-cli
#   sudo make install      install under PREFIX (default /usr/local)
#   sudo make uninstall    remove what make install put there
#   make man               regenerate the committed man/ftrace-cli.1 from the code
#
# DESTDIR is prepended to every installed path (for packages). BIN=PATH
# installs that binary instead of target/release/ftrace-cli, which
# `make install` builds only when it is missing: run `make` first.
# The man page and the completions are written by the binary itself
# (--generate-man, --completions SHELL), from the same clap definitions as
# --help.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHDIR ?= $(DATADIR)/bash-completion/completions
ZSHDIR ?= $(DATADIR)/zsh/site-functions
FISHDIR ?= $(DATADIR)/fish/vendor_completions.d
DOCDIR ?= $(DATADIR)/doc/ftrace-cli

CARGO ?= cargo
INSTALL ?= install
RELEASE_BIN := target/release/ftrace-cli
BIN ?= $(RELEASE_BIN)

# $(call generate,OPTION,FILE): write what the binary prints for OPTION to
# FILE, mode 644, leaving no partial file behind on failure.
generate = echo "$(BIN) $(1) > $(2)"; \
	'$(BIN)' $(1) > '$(2).tmp' && chmod 644 '$(2).tmp' \
	&& mv -f '$(2).tmp' '$(2)' || { rm -f '$(2).tmp'; exit 1; }

MAN1 = $(DESTDIR)$(MANDIR)/man1/ftrace-cli.1
BASH = $(DESTDIR)$(BASHDIR)/ftrace-cli
ZSH = $(DESTDIR)$(ZSHDIR)/_ftrace-cli
FISH = $(DESTDIR)$(FISHDIR)/ftrace-cli.fish
# The README and the two licences the package is under (MIT OR Apache-2.0).
DOCS = README.md LICENSE-MIT LICENSE-APACHE

.PHONY: all build install uninstall man

all: build

build:
	$(CARGO) build --release --locked

$(RELEASE_BIN):
	$(CARGO) build --release --locked

install: $(BIN)
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MANDIR)/man1' \
		'$(DESTDIR)$(BASHDIR)' '$(DESTDIR)$(ZSHDIR)' '$(DESTDIR)$(FISHDIR)' \
		'$(DESTDIR)$(DOCDIR)'
	$(INSTALL) -m 755 '$(BIN)' '$(DESTDIR)$(BINDIR)/ftrace-cli'
	$(INSTALL) -m 644 $(DOCS) '$(DESTDIR)$(DOCDIR)'
	@$(call generate,--generate-man,$(MAN1))
	@$(call generate,--completions=bash,$(BASH))
	@$(call generate,--completions=zsh,$(ZSH))
	@$(call generate,--completions=fish,$(FISH))

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/ftrace-cli' '$(MAN1)' '$(BASH)' '$(ZSH)' '$(FISH)'
	rm -f $(addprefix '$(DESTDIR)$(DOCDIR)'/,$(DOCS))
	-rmdir '$(DESTDIR)$(DOCDIR)' 2>/dev/null

# Always from a fresh release build: the page tests/packaging.rs compares with,
# dated by the code, not by SOURCE_DATE_EPOCH (which make install honours).
man: build
	env -u SOURCE_DATE_EPOCH '$(RELEASE_BIN)' --generate-man > man/ftrace-cli.1.tmp
	mv -f man/ftrace-cli.1.tmp man/ftrace-cli.1
