# tests/http: drivers for http/ used by the t_*.sh scripts here, built by
# `make unit` into $(BUILD)/tests/http/.
#   httpdump   capture/ + http/ only: one line per transaction + counters
#   httpbench  CPU cost of http/ alone on a synthetic keep-alive NTLM mix
HTTP_TOOLS := $(BUILD)/tests/http/httpdump $(BUILD)/tests/http/httpbench

$(HTTP_TOOLS): $(BUILD)/tests/http/%: tests/http/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIB) $(LDFLAGS) $(LIBS)

unit: $(HTTP_TOOLS)
