#!/bin/sh
# Run every test once per build directory given (build, build-san...).
#   unit tests: $BUILD/tests/test_*   (cmocka; exit status = failures)
#   scripts:    tests/*/t_*.sh        (exit 0 pass, 77 = cannot run = FAIL)
# Each script gets AUTHSCOPE (the binary to test), BUILD and AUTHSCOPE_SAN
# (1 in a sanitizer build).  Output of a failing test is shown; the last
# line is "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
pass=0; fail=0; failed=""
mkdir -p tests/out
for build in "$@"; do
	san=0; case "$build" in *san*) san=1 ;; esac
	if [ "$build" = build ]; then bin=./authscope; else bin=$build/authscope; fi
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		name="$build/$(basename "$t")"
		log="tests/out/$(echo "$name" | tr / _).log"
		if "$t" >"$log" 2>&1; then
			pass=$((pass + 1)); echo "PASS $name ($(grep -c '^\[       OK \]' "$log") cases)"
		else
			fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name"; tail -n 40 "$log"
		fi
	done
	for t in tests/*/t_*.sh; do
		[ -f "$t" ] || continue
		name="$build:$t"
		log="tests/out/$(echo "$name" | tr /: __).log"
		start=$(date +%s)
		if AUTHSCOPE="$bin" BUILD="$build" AUTHSCOPE_SAN=$san sh "$t" >"$log" 2>&1; then
			pass=$((pass + 1)); echo "PASS $name ($(( $(date +%s) - start ))s)"
		else
			fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name"; tail -n 40 "$log"
		fi
	done
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
