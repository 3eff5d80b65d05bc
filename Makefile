# authscope - see README.md.  `make` leaves the program at ./authscope.
#
#   make            build ./authscope
#   make deps       apt-get install what is missing (Debian 12, as root)
#   make run        deps + build + the main job on a capture in pcaps/
#   make test       deps + build + every test, then again under ASan+UBSan
#   make bench      throughput and memory against the libpcap floor and tshark
#   make fuzz       libFuzzer targets (clang), a short run each
#   make pcaps      regenerate pcaps/ with the real-server rig (root)
#
# Sources are found by wildcard: a new .c file in capture/ http/ ntlm/
# report/ is built without touching this file.  A test is any
# tests/unit/test_*.c (cmocka) or tests/*/t_*.sh (script, exit 0 = pass).
# Extra rules for a test area live beside it in tests/*/*.mk.

CC       ?= cc
BUILD    ?= build
NPROC    := $(shell nproc 2>/dev/null || echo 2)
SAN      ?=
LLHTTP_SRC ?= /usr/share/llhttp
LLHTTP_INC ?= /usr/share/include/llhttp

WARN     = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wformat=2 -Wstrict-prototypes
OPT      ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -I. -I$(LLHTTP_INC)
CFLAGS   += -std=gnu11 $(OPT) -fno-omit-frame-pointer
LIBS     = -lpcap -ljansson -lkrb5 -lk5crypto -lcom_err -lm -lpthread

ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined
CFLAGS  += $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
endif

PROG     = $(if $(filter build,$(BUILD)),authscope,$(BUILD)/authscope)

SRCS      := $(sort $(wildcard capture/*.c http/*.c ntlm/*.c report/*.c))
OBJS      := $(SRCS:%.c=$(BUILD)/%.o)
LLHTTP_OBJS := $(patsubst $(LLHTTP_SRC)/%.c,$(BUILD)/llhttp/%.o,$(wildcard $(LLHTTP_SRC)/*.c))
LIB       := $(BUILD)/libauthscope.a
MAIN_SRC  := $(firstword $(wildcard main.c authscope.c))
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run test test-only unit bench fuzz pcaps clean install uninstall
all: $(PROG)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

# llhttp's generated C is not clean under our warnings: its own flags
$(BUILD)/llhttp/%.o: $(LLHTTP_SRC)/%.c
	@mkdir -p $(dir $@)
	$(CC) -I$(LLHTTP_INC) $(filter-out -Werror,$(CFLAGS)) -w -c -o $@ $<

$(LIB): $(OBJS) $(LLHTTP_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(PROG): $(BUILD)/$(MAIN_SRC:.c=.o) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-strict-prototypes -MMD -MP -o $@ $< $(LIB) $(LDFLAGS) $(LIBS) -lcmocka

unit: $(TEST_BINS)

deps:
	@sh tests/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@sh tests/run-demo.sh

# every test, normal build then ASan+UBSan build
test: deps
	@$(MAKE) --no-print-directory test-only

test-only:
	@$(MAKE) --no-print-directory -j$(NPROC) all unit
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=build-san SAN=1 all unit
	@sh tests/run.sh build build-san

clean:
	rm -rf build build-san build-fuzz authscope

-include $(wildcard tests/*/*.mk)
-include $(OBJS:.o=.d) $(BUILD)/$(MAIN_SRC:.c=.d) $(TEST_BINS:=.d)
