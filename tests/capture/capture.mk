# tests/capture: drivers for capture/ used by the t_*.sh scripts here,
# built by `make unit` into $(BUILD)/tests/capture/.
#   capdump   one line per TCP flow (bytes, gaps, close) + counters
#   capbench  packets/s of cap_run vs a bare pcap_dispatch loop
CAPTURE_TOOLS := $(BUILD)/tests/capture/capdump $(BUILD)/tests/capture/capbench

$(CAPTURE_TOOLS): $(BUILD)/tests/capture/%: tests/capture/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIB) $(LDFLAGS) $(LIBS)

unit: $(CAPTURE_TOOLS)
