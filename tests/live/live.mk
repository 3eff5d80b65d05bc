# tests/live: `make bench-live` - the highest tcpreplay rate into a veth
# pair (in a network namespace of its own) that authscope -i takes with no
# drop and no missed transaction, 1 and 2 workers, -B 1024 and libpcap's
# default buffer.  Root, ~3-4 minutes:
# not part of make test (tests/live/t_live.sh is the functional test).
.PHONY: bench-live
bench-live: $(BUILD)/pcap_floor $(BUILD)/gencorpus
	-@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) AUTHSCOPE=$(PROG) python3 tests/live/bench_live.py
