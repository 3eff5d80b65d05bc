# Real-server capture rig (tests/e2e/rig.sh): regenerates the committed
# captures in pcaps/ (root, Debian 12; installs the servers via make deps).
#   make pcaps                      every scenario
#   make pcaps E2E_SCENARIOS="kerberos ntlm-keepalive"
E2E_SCENARIOS ?=
pcaps: deps
	bash tests/e2e/rig.sh pcaps $(E2E_SCENARIOS)
	python3 tests/e2e/check.py pcaps $(E2E_SCENARIOS)

# Golden files (hook): record ./authscope's current output beside each
# committed capture as pcaps/NAME.authscope.json.  Review the diff before
# committing: from then on tests/e2e/check.py requires the output to equal it.
.PHONY: pcaps-golden
pcaps-golden: all
	@for p in pcaps/*.pcap; do \
		./authscope -r $$p --keytab pcaps/authscope-test.keytab > $${p%.pcap}.authscope.json || exit 1; \
		echo "golden: $${p%.pcap}.authscope.json"; \
	done
