# tests/krb: the Kerberos keytab decryption tools, built with `make unit`.
KRB_TOOLS := $(BUILD)/tests/krb/krbdec $(BUILD)/tests/krb/mkapreq

unit: $(KRB_TOOLS)

$(BUILD)/tests/krb/krbdec: tests/krb/krbdec.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIB) $(LDFLAGS) $(LIBS)

$(BUILD)/tests/krb/mkapreq: tests/krb/mkapreq.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LDFLAGS) -lgssapi_krb5 -lkrb5
