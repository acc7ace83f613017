# Postern -- see README.md.  `make` builds, `make run` serves a local
# instance, `make test` runs every test, `make check` only the unit
# tests, `make e2e T=name` one end-to-end story, `make asan` every test
# again under AddressSanitizer and UBSan, `make fuzz` fuzzes every parser,
# `make format-check` names the C files .clang-format would change.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
LIBEXECDIR	?= $(PREFIX)/lib/postern
DATADIR		?= $(PREFIX)/share/postern
MANDIR		?= $(PREFIX)/share/man
SYSCONFDIR	?= /etc
LOCALSTATEDIR	?= /var
RUNSTATEDIR	?= /run
# systemd, systemd-sysusers and systemd-tmpfiles read /usr/local/lib/...
# as well as /usr/lib/..., so these follow PREFIX too.
SYSTEMDUNITDIR	?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR	?= $(PREFIX)/lib/tmpfiles.d
DESTDIR		?=

CC		?= cc
CXX		?= c++
# OUT is where lib/libpostern.a, cgi-bin/ and bin/ are written; the
# sanitizer build uses its own so the two never mix.
OUT		?= .
OBJ		?= build/obj
# `make V=1` shows the full commands.
V		?= 0
ifeq ($(V),0)
Q		 = @
SAY		 = @printf '  %-6s %s\n'
else
Q		 =
SAY		 = @:
endif

PKGS		 = libsodium sqlite3 libctemplate_nothreads libesmtp-1.0 openssl \
		   liboath libqrencode libidn2 libpsl
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN		 = -Wall -Wextra -Werror -Wstrict-prototypes \
		   -Wmissing-prototypes -Wshadow -Wpointer-arith \
		   -Wsign-compare -Wformat=2
HARDEN		 = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
# One section per function and object, so that --gc-sections below
# leaves out what a program never calls: libpostern.a's files each
# serve several programs (account.fcgi: 125 -> 76 kB of code).
SECTIONS	 = -ffunction-sections -fdata-sections
OPT		?= -O2 -g
SAN		?=
DEFS		 = -D_DEFAULT_SOURCE -D_GNU_SOURCE \
		   -DPOSTERN_DATADIR='"$(DATADIR)"' \
		   -DPOSTERN_SYSCONFDIR='"$(SYSCONFDIR)"'
CFLAGS		?=
CXXFLAGS	?=
CPPFLAGS	?=
ALL_CFLAGS	 = -std=c17 $(WARN) $(HARDEN) $(SECTIONS) $(OPT) $(SAN) \
		   $(DEFS) -Ilib $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_CXXFLAGS	 = -std=c++17 -Wall -Wextra -Werror $(HARDEN) $(SECTIONS) \
		   $(OPT) $(SAN) $(DEFS) -Ilib $(PKG_CFLAGS) $(CPPFLAGS) \
		   $(CXXFLAGS)
# --as-needed: each program maps only the shared libraries it calls.
ALL_LDFLAGS	 = -pie -Wl,-z,relro,-z,now -Wl,--as-needed -Wl,--gc-sections \
		   $(SAN) $(LDFLAGS)
LIBS		 = $(PKG_LIBS) -lfcgi -lzxcvbn -lresolv -lm

LIB_C		 = $(sort $(wildcard lib/*.c))
LIB_CC		 = $(sort $(wildcard lib/*.cc))
LIB_OBJS	 = $(LIB_C:lib/%.c=$(OBJ)/lib/%.o) $(LIB_CC:lib/%.cc=$(OBJ)/lib/%.o)
# Makefile too: a change of flags rebuilds.
LIB_HDRS	 = $(wildcard lib/*.h) Makefile
LIBA		 = $(OUT)/lib/libpostern.a

PROGRAMS	 = $(patsubst cgi-bin/%_fcgi.c,$(OUT)/cgi-bin/%.fcgi,$(sort $(wildcard cgi-bin/*_fcgi.c)))
ADMIN		 = $(OUT)/bin/postern
UNIT_SRCS	 = $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS	 = $(UNIT_SRCS:tests/unit/%.c=$(OBJ)/unit/%)

.PHONY: all deps deps-test run test test-run unit check e2e asan fuzz \
	install clean check-config bench bench-callgrind format format-check \
	FORCE

all: $(LIBA) $(PROGRAMS) $(ADMIN)

# The install paths compiled into the programs (DEFS) are written to
# this file, which changes only when they do: `make` and then `make
# install PREFIX=/usr` rebuilds what holds them, so the installed
# programs look for their templates where they were installed.
PATHS_STAMP	 = $(OBJ)/paths.stamp
$(PATHS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(DEFS)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(OBJ)/lib/config.o $(ADMIN) $(UNIT_TESTS): $(PATHS_STAMP)

$(OBJ)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(SAY) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(OBJ)/lib/%.o: lib/%.cc $(LIB_HDRS)
	@mkdir -p $(@D)
	$(SAY) CXX $<
	$(Q)$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(SAY) AR $@
	$(Q)rm -f $@
	$(Q)ar rcs $@ $(LIB_OBJS)

# ctemplate is C++: programs are linked by the C++ driver.
$(OUT)/cgi-bin/%.fcgi: cgi-bin/%_fcgi.c $(LIBA) $(LIB_HDRS)
	@mkdir -p $(@D) $(OBJ)/cgi-bin
	$(SAY) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $(OBJ)/cgi-bin/$*.o $<
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $(OBJ)/cgi-bin/$*.o $(LIBA) $(LIBS)

$(ADMIN): bin/postern.c $(LIBA) $(LIB_HDRS)
	@mkdir -p $(@D) $(OBJ)/bin
	$(SAY) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $(OBJ)/bin/postern.o bin/postern.c
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $(OBJ)/bin/postern.o $(LIBA) $(LIBS)

$(OBJ)/unit/%: tests/unit/%.c tests/unit/tap.h $(LIBA) $(LIB_HDRS)
	@mkdir -p $(@D) $(OBJ)/tests
	$(SAY) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -c -o $(OBJ)/tests/$*.o $<
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $(OBJ)/tests/$*.o $(LIBA) $(LIBS)

unit: $(UNIT_TESTS)

# The unit tests alone, in seconds: what to run after changing lib/.
check: $(UNIT_TESTS)
	@prove --exec '' $(UNIT_TESTS)

# One end-to-end story, tests/e2e/$(T).py, against this tree's build.
e2e: all
	@test -n "$(T)" || { echo "usage: make e2e T=name (tests/e2e/name.py)" >&2; exit 2; }
	@test -f tests/e2e/$(T:.py=).py || { echo "make e2e: no tests/e2e/$(T:.py=).py" >&2; exit 2; }
	@POSTERN_BUILD=$(abspath $(OUT)) /usr/bin/python3 tests/e2e/$(T:.py=).py

# Installs the missing Debian packages (scripts/deps.sh); silent when
# nothing is missing.  deps-test follows deps so that `make -j` never
# runs two apt-gets at once.
deps:
	@sh scripts/deps.sh build

deps-test: deps
	@sh scripts/deps.sh test

# A local instance on http://127.0.0.1:8080/ with a mail folder.
run:
	@sh scripts/deps.sh run
	@$(MAKE) --no-print-directory all
	@sh scripts/run.sh

test: deps deps-test
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory test-run

# Runs the tests against the binaries under $(OUT).
test-run:
	@POSTERN_BUILD=$(abspath $(OUT)) POSTERN_UNIT=$(abspath $(OBJ)/unit) sh tests/run.sh

asan: deps deps-test
	@$(MAKE) --no-print-directory OUT=build/asan OBJ=build/asan/obj \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    OPT="-O1 -g" all unit test-run

FUZZ_SRCS	 = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS	?= 60
FUZZ_LIBA	 = build/fuzz/lib/libpostern.a
FUZZ_SAN	 = -fsanitize=fuzzer-no-link,address,undefined \
		   -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_MAKE	 = $(MAKE) --no-print-directory OUT=build/fuzz \
		   OBJ=build/fuzz/obj CC=clang CXX=clang++ OPT="-O1 -g" \
		   SAN="$(FUZZ_SAN)"

# The library is built with clang and the sanitizers; tests/fuzz/run.sh
# then compiles each target against it, links with these LIBS and runs it.
fuzz: deps
	@sh scripts/deps.sh fuzz
	@$(FUZZ_MAKE) $(FUZZ_LIBA)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_LIBS="$(LIBS)" sh tests/fuzz/run.sh

# In the sub-make OUT is build/fuzz, $(LIBA) names this same file and the
# rules above build it; this rule only hands over from the top level.
ifneq ($(OUT),build/fuzz)
.PHONY: $(FUZZ_LIBA)
$(FUZZ_LIBA):
	@$(FUZZ_MAKE) $(FUZZ_LIBA)
endif

# make bench: Postern's speed beside its stack's own ceilings, and make
# bench-callgrind: instruction counts of one request (bench/README.md).
# The release build (these same flags) goes to build/bench, so it never
# mixes with the tree's own; the reference programs of bench/ are built
# with the same flags and land beside Postern's programs.
BENCH_OUT	 = build/bench
BENCH_REFS	 = $(BENCH_OUT)/cgi-bin/refpage.fcgi \
		   $(BENCH_OUT)/cgi-bin/refinsert.fcgi \
		   $(BENCH_OUT)/cgi-bin/reffloor.fcgi \
		   $(BENCH_OUT)/bin/refauth.fcgi \
		   $(BENCH_OUT)/bin/bench-verify $(BENCH_OUT)/bin/bench-smtp
BENCH_MAKE	 = $(MAKE) --no-print-directory OUT=$(BENCH_OUT) \
		   OBJ=$(BENCH_OUT)/obj

bench: deps
	@sh scripts/deps.sh bench
	@$(BENCH_MAKE) all $(BENCH_REFS)
	@POSTERN_BUILD=$(abspath $(BENCH_OUT)) /usr/bin/python3 bench/bench.py

bench-callgrind: deps
	@sh scripts/deps.sh bench
	@$(BENCH_MAKE) all $(BENCH_REFS)
	@POSTERN_BUILD=$(abspath $(BENCH_OUT)) /usr/bin/python3 \
	    bench/callgrind.py

$(BENCH_OUT)/cgi-bin/refpage.fcgi: bench/ref_page.c
	@mkdir -p $(@D)
	$(SAY) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -lfcgi

# An authorizer, not a page: it stays out of cgi-bin/, whose programs
# the bench serves as pages.
$(BENCH_OUT)/bin/refauth.fcgi: bench/ref_auth.c
	@mkdir -p $(@D)
	$(SAY) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -lfcgi

$(BENCH_OUT)/cgi-bin/refinsert.fcgi: bench/ref_insert.c
	@mkdir -p $(@D)
	$(SAY) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -lfcgi \
	    $(shell pkg-config --libs sqlite3 2>/dev/null)

# The memory floor maps account.fcgi's libraries: --no-as-needed keeps
# libidn2 and libpsl, which it never calls (nor does an idle account).
$(BENCH_OUT)/cgi-bin/reffloor.fcgi: bench/ref_floor.cc
	@mkdir -p $(@D)
	$(SAY) CXXLD $@
	$(Q)$(CXX) $(ALL_CXXFLAGS) $(ALL_LDFLAGS) -o $@ $< -Wl,--no-as-needed \
	    -lfcgi $(shell pkg-config --libs libsodium sqlite3 \
	    libctemplate_nothreads libidn2 libpsl liboath 2>/dev/null) \
	    -lzxcvbn -Wl,--as-needed

$(BENCH_OUT)/bin/bench-verify: bench/ref_verify.c bench/ref.h
	@mkdir -p $(@D)
	$(SAY) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
	    $(shell pkg-config --libs libsodium 2>/dev/null)

$(BENCH_OUT)/bin/bench-smtp: bench/ref_smtp.c bench/ref.h
	@mkdir -p $(@D)
	$(SAY) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
	    $(shell pkg-config --libs libesmtp-1.0 2>/dev/null)

# The C and C++ sources in the layout of .clang-format: `make format`
# rewrites them in place, `make format-check` changes nothing and fails
# naming the files that are not in it.
FORMAT_SRCS	 = $(sort $(wildcard lib/*.c lib/*.cc lib/*.h cgi-bin/*.c \
		   bin/*.c bench/*.c bench/*.cc bench/*.h tests/unit/*.c tests/unit/*.h \
		   tests/fuzz/*.c tests/fuzz/*.h))

format:
	@sh scripts/deps.sh format
	@clang-format -i $(FORMAT_SRCS)

format-check:
	@sh scripts/deps.sh format
	@out=$$(clang-format --dry-run -Werror $(FORMAT_SRCS) 2>&1) && exit 0; \
	bad=$$(printf '%s\n' "$$out" | sed -n \
	    's/^\([^ :]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | \
	    sort -u); \
	if [ -z "$$bad" ]; then printf '%s\n' "$$out" >&2; exit 1; fi; \
	echo "make format-check: not in the layout of .clang-format" \
	    "(make format rewrites them):" >&2; \
	printf '  %s\n' $$bad >&2; exit 1

check-config: $(ADMIN)
	$(ADMIN) check-config

# Installed text names the installed paths: the files in the tree name
# the defaults (PREFIX=/usr/local and so on), which this replaces.
SUBST		 = sed -e 's|/usr/local/lib/postern|$(LIBEXECDIR)|g' \
		   -e 's|/usr/local/lib/systemd/system|$(SYSTEMDUNITDIR)|g' \
		   -e 's|/usr/local/lib/sysusers.d|$(SYSUSERSDIR)|g' \
		   -e 's|/usr/local/lib/tmpfiles.d|$(TMPFILESDIR)|g' \
		   -e 's|/usr/local/share/postern|$(DATADIR)|g' \
		   -e 's|/usr/local/sbin|$(SBINDIR)|g' \
		   -e 's|/etc/postern|$(SYSCONFDIR)/postern|g' \
		   -e 's|/var/lib/postern|$(LOCALSTATEDIR)/lib/postern|g' \
		   -e 's|/run/postern|$(RUNSTATEDIR)/postern|g'
EXAMPLES	 = postern.conf.example lighttpd.conf.example \
		   apache.conf.example
UNITS		 = postern@.service postern-mailer.service \
		   postern-purge.service postern-purge.timer

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR)/cgi-bin \
	    $(DESTDIR)$(DATADIR)/templates/mail \
	    $(DESTDIR)$(DATADIR)/templates/sms $(DESTDIR)$(DATADIR)/static \
	    $(DESTDIR)$(DATADIR)/examples/fail2ban $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 0755 $(ADMIN) $(DESTDIR)$(SBINDIR)/postern
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(LIBEXECDIR)/cgi-bin/
	install -m 0644 templates/*.tpl $(DESTDIR)$(DATADIR)/templates/
	install -m 0644 templates/mail/*.tpl $(DESTDIR)$(DATADIR)/templates/mail/
	install -m 0644 templates/sms/*.tpl $(DESTDIR)$(DATADIR)/templates/sms/
	install -m 0644 static/* $(DESTDIR)$(DATADIR)/static/
	for f in $(EXAMPLES); do \
		$(SUBST) $$f > $(DESTDIR)$(DATADIR)/examples/$$f || exit 1; \
	done
	for f in $(UNITS); do \
		$(SUBST) systemd/$$f > $(DESTDIR)$(SYSTEMDUNITDIR)/$$f || exit 1; \
	done
	$(SUBST) systemd/postern.sysusers > $(DESTDIR)$(SYSUSERSDIR)/postern.conf
	$(SUBST) systemd/postern.tmpfiles > $(DESTDIR)$(TMPFILESDIR)/postern.conf
	$(SUBST) man/postern.8 > $(DESTDIR)$(MANDIR)/man8/postern.8
	$(SUBST) man/postern.conf.5 > $(DESTDIR)$(MANDIR)/man5/postern.conf.5
	cd $(DESTDIR)$(DATADIR)/examples && chmod 0644 $(EXAMPLES)
	cd $(DESTDIR)$(SYSTEMDUNITDIR) && chmod 0644 $(UNITS)
	chmod 0644 $(DESTDIR)$(SYSUSERSDIR)/postern.conf \
	    $(DESTDIR)$(TMPFILESDIR)/postern.conf \
	    $(DESTDIR)$(MANDIR)/man8/postern.8 \
	    $(DESTDIR)$(MANDIR)/man5/postern.conf.5
	for f in lighttpd apache; do \
		$(SUBST) contrib/authorizer/$$f.conf > \
		    $(DESTDIR)$(DATADIR)/examples/authorizer-$$f.conf || exit 1; \
		chmod 0644 $(DESTDIR)$(DATADIR)/examples/authorizer-$$f.conf; \
	done
	for f in filter.d/postern.conf jail.d/postern.conf; do \
		install -D -m 0644 contrib/fail2ban/$$f \
		    $(DESTDIR)$(DATADIR)/examples/fail2ban/$$f || exit 1; \
	done

clean:
	rm -rf build lib/libpostern.a cgi-bin/*.fcgi bin/postern
