# tests/gen: the synthetic ground-truth corpus generator (libc only).
# Built with the unit tests so tests/gen/t_*.sh find it in $(BUILD).
GENCORPUS := $(BUILD)/gencorpus

$(GENCORPUS): tests/gen/gencorpus.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LDFLAGS)

.PHONY: gencorpus
gencorpus: $(GENCORPUS)
unit: $(GENCORPUS)
