# tests/hostile: adversarial capture generator and a peak-RSS wrapper for
# t_hostile.sh, built by `make unit` into $(BUILD)/tests/hostile/.
HOSTILE_TOOLS := $(BUILD)/tests/hostile/gen_hostile $(BUILD)/tests/hostile/peakrss

$(HOSTILE_TOOLS): $(BUILD)/tests/hostile/%: tests/hostile/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LDFLAGS)

unit: $(HOSTILE_TOOLS)
