# tests/report: writerbench (records/s of a report/ writer, and jansson's
# cost for the same json record), built by `make unit`, never run as a
# test:  $(BUILD)/tests/report/writerbench [FORMAT [COUNT]]
$(BUILD)/tests/report/writerbench: tests/report/writerbench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIB) $(LDFLAGS) $(LIBS)

unit: $(BUILD)/tests/report/writerbench
