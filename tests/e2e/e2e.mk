# Real-server capture rig (tests/e2e/rig.sh): regenerates the committed
# captures in pcaps/ (root, Debian 12; installs the servers via make deps).
#   make pcaps                      every scenario
#   make pcaps E2E_SCENARIOS="kerberos ntlm-keepalive"
E2E_SCENARIOS ?=
pcaps: deps
	bash tests/e2e/rig.sh pcaps $(E2E_SCENARIOS)
	python3 tests/e2e/check.py pcaps $(E2E_SCENARIOS)

# Golden output files for these captures: `make golden` (tests/golden/).
