# tests/bench: `make bench` - throughput and peak RSS of authscope against
# a libpcap read-only floor and tshark, on a large synthetic corpus cached
# in $(BUILD)/bench/.  Knobs (environment): BENCH_RUNS (5), BENCH_FLOWS
# (15000, about 300 MB), BENCH_SEED, BENCH_TSHARK_FLOWS (1500: tshark runs
# once on that smaller corpus), AUTHSCOPE (./authscope).
$(BUILD)/pcap_floor: tests/bench/pcap_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LDFLAGS) -lpcap

$(BUILD)/pcapfile_floor: tests/bench/pcapfile_floor.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIB) $(LDFLAGS) $(LIBS)

$(BUILD)/rusage: tests/bench/rusage.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LDFLAGS)

bench: $(BUILD)/pcap_floor $(BUILD)/pcapfile_floor $(BUILD)/rusage $(BUILD)/gencorpus
	-@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) python3 tests/bench/bench.py
