# Golden files: authscope's output, in every format, for every committed
# capture in pcaps/ (with the test keytab, so Kerberos users are named).
#   make golden     rewrite pcaps/golden/NAME.FORMAT from ./authscope
# Review `git diff pcaps/golden` before committing: tests/golden/t_golden.sh
# (part of make test) requires the output to equal these files byte for byte.
.PHONY: golden
golden: all
	@sh tests/golden/golden.sh write ./authscope
