# Postern -- see README.md.  `make` builds, `make run` serves a local
# instance, `make test` runs every test, `make asan` runs them again
# under AddressSanitizer and UBSan, `make fuzz` fuzzes every parser.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
LIBEXECDIR	?= $(PREFIX)/lib/postern
DATADIR		?= $(PREFIX)/share/postern
MANDIR		?= $(PREFIX)/share/man
SYSCONFDIR	?= /etc
DESTDIR		?=

CC		?= cc
CXX		?= c++
# OUT is where lib/libpostern.a, cgi-bin/ and bin/ are written; the
# sanitizer build uses its own so the two never mix.
OUT		?= .
OBJ		?= build/obj

PKGS		 = libsodium sqlite3 libctemplate_nothreads libesmtp-1.0 \
		   liboath libqrencode libidn2 libpsl
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN		 = -Wall -Wextra -Werror -Wstrict-prototypes \
		   -Wmissing-prototypes -Wshadow -Wpointer-arith \
		   -Wsign-compare -Wformat=2
HARDEN		 = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
OPT		?= -O2 -g
SAN		?=
DEFS		 = -D_DEFAULT_SOURCE -D_GNU_SOURCE \
		   -DPOSTERN_DATADIR='"$(DATADIR)"' \
		   -DPOSTERN_SYSCONFDIR='"$(SYSCONFDIR)"'
CFLAGS		?=
CXXFLAGS	?=
ALL_CFLAGS	 = -std=c17 $(WARN) $(HARDEN) $(OPT) $(SAN) $(DEFS) \
		   -Ilib $(PKG_CFLAGS) $(CFLAGS)
ALL_CXXFLAGS	 = -std=c++17 -Wall -Wextra -Werror $(HARDEN) $(OPT) $(SAN) \
		   $(DEFS) -Ilib $(PKG_CFLAGS) $(CXXFLAGS)
ALL_LDFLAGS	 = -pie -Wl,-z,relro,-z,now $(SAN) $(LDFLAGS)
LIBS		 = $(PKG_LIBS) -lfcgi -lzxcvbn -lresolv -lm

LIB_C		 = $(sort $(wildcard lib/*.c))
LIB_CC		 = $(sort $(wildcard lib/*.cc))
LIB_OBJS	 = $(LIB_C:lib/%.c=$(OBJ)/lib/%.o) $(LIB_CC:lib/%.cc=$(OBJ)/lib/%.o)
LIB_HDRS	 = $(wildcard lib/*.h)
LIBA		 = $(OUT)/lib/libpostern.a

PROGRAMS	 = $(patsubst cgi-bin/%.c,$(OUT)/cgi-bin/%.fcgi,$(sort $(wildcard cgi-bin/*.c)))
ADMIN		 = $(OUT)/bin/postern
UNIT_SRCS	 = $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS	 = $(UNIT_SRCS:tests/unit/%.c=$(OBJ)/unit/%)

.PHONY: all deps deps-test run test test-run unit asan fuzz install \
	clean check-config bench bench-callgrind

all: $(LIBA) $(PROGRAMS) $(ADMIN)

$(OBJ)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(OBJ)/lib/%.o: lib/%.cc $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

# ctemplate is C++: programs are linked by the C++ driver.
$(OUT)/cgi-bin/%.fcgi: cgi-bin/%.c $(LIBA) $(LIB_HDRS)
	@mkdir -p $(@D) $(OBJ)/cgi-bin
	$(CC) $(ALL_CFLAGS) -c -o $(OBJ)/cgi-bin/$*.o $<
	$(CXX) $(ALL_LDFLAGS) -o $@ $(OBJ)/cgi-bin/$*.o $(LIBA) $(LIBS)

$(ADMIN): bin/postern.c $(LIBA) $(LIB_HDRS)
	@mkdir -p $(@D) $(OBJ)/bin
	$(CC) $(ALL_CFLAGS) -c -o $(OBJ)/bin/postern.o bin/postern.c
	$(CXX) $(ALL_LDFLAGS) -o $@ $(OBJ)/bin/postern.o $(LIBA) $(LIBS)

$(OBJ)/unit/%: tests/unit/%.c tests/unit/tap.h $(LIBA) $(LIB_HDRS)
	@mkdir -p $(@D) $(OBJ)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit -c -o $(OBJ)/tests/$*.o $<
	$(CXX) $(ALL_LDFLAGS) -o $@ $(OBJ)/tests/$*.o $(LIBA) $(LIBS)

unit: $(UNIT_TESTS)

deps:
	@sh scripts/deps.sh build

deps-test:
	@sh scripts/deps.sh test

# A local instance on http://127.0.0.1:8080/ with a mail folder.
run: deps
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

fuzz: deps
	@sh scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory OUT=build/fuzz OBJ=build/fuzz/obj \
	    CC=clang CXX=clang++ OPT="-O1 -g" \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined" $(OUT)/build/fuzz/lib/libpostern.a
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

build/fuzz/lib/libpostern.a:
	@$(MAKE) --no-print-directory OUT=build/fuzz OBJ=build/fuzz/obj \
	    CC=clang CXX=clang++ OPT="-O1 -g" \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined" build/fuzz/lib/libpostern.a

check-config: $(ADMIN)
	$(ADMIN) check-config

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR)/cgi-bin \
	    $(DESTDIR)$(DATADIR)/templates/mail $(DESTDIR)$(DATADIR)/static \
	    $(DESTDIR)$(DATADIR)/examples $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(ADMIN) $(DESTDIR)$(SBINDIR)/postern
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(LIBEXECDIR)/cgi-bin/
	install -m 0644 templates/*.tpl $(DESTDIR)$(DATADIR)/templates/
	install -m 0644 templates/mail/*.tpl $(DESTDIR)$(DATADIR)/templates/mail/
	install -m 0644 static/* $(DESTDIR)$(DATADIR)/static/
	install -m 0644 postern.conf.example lighttpd.conf.example \
	    apache.conf.example postern-mailer.service \
	    $(DESTDIR)$(DATADIR)/examples/
	install -m 0644 man/postern.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/postern.conf.5 $(DESTDIR)$(MANDIR)/man5/

clean:
	rm -rf build lib/libpostern.a cgi-bin/*.fcgi bin/postern
