# tests/fuzz/fuzz.mk - `make fuzz`: every tests/fuzz/fuzz_*.c as a
# libFuzzer binary (clang, -fsanitize=fuzzer,address,undefined) linked
# against the library sources compiled with clang into build-fuzz/, each
# run for FUZZ_SECONDS seeded from tests/fuzz/corpus/<name>/.  New inputs
# go to build-fuzz/corpus/<name>/ (the seed folder is never written);
# a crash leaves build-fuzz/<name>-crash-* and fails the target.
#
#   make fuzz                     all targets, 20 s each
#   make fuzz FUZZ_SECONDS=300
#   make fuzz FUZZ_TARGETS=fuzz_token FUZZ_MAX_LEN=8192

FUZZ_SECONDS ?= 20
# capture/pipeline inputs are whole pcaps; tokens are far smaller
FUZZ_MAX_LEN ?= 65536
FUZZ_BUILD   := build-fuzz
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_SRCS:tests/fuzz/%.c=%)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
FUZZ_OBJS    := $(SRCS:%.c=$(FUZZ_BUILD)/%.o) \
                $(patsubst $(LLHTTP_SRC)/%.c,$(FUZZ_BUILD)/llhttp/%.o,$(wildcard $(LLHTTP_SRC)/*.c))
FUZZ_LIB     := $(FUZZ_BUILD)/libauthscope.a
# the library's own warnings are enforced by the gcc build; clang may
# warn differently, which must not stop a fuzzing run
FUZZ_WARN    := $(filter-out -Werror,$(WARN))

.PHONY: fuzz fuzz-build

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_WARN) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/llhttp/%.o: $(LLHTTP_SRC)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -I$(LLHTTP_INC) $(FUZZ_CFLAGS) -w -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer $(FUZZ_WARN) \
		-o $@ $< $(FUZZ_LIB) $(LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		   $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
			-artifact_prefix=$(FUZZ_BUILD)/$$t- -print_final_stats=1 \
			$(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t >$(FUZZ_BUILD)/$$t.log 2>&1; \
		then tail -n 12 $(FUZZ_BUILD)/$$t.log; \
		else tail -n 60 $(FUZZ_BUILD)/$$t.log; echo "fuzz: $$t FAILED (input in $(FUZZ_BUILD)/$$t-*)"; exit 1; fi; \
	done

-include $(FUZZ_OBJS:.o=.d)
