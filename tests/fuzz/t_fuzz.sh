#!/bin/sh
# libFuzzer targets (tests/fuzz/fuzz_*.c: tokens, HTTP, server logs,
# capture packets, the whole pipeline), built with clang's ASan+UBSan.
# Normal pass: each target fuzzes for FUZZ_SECONDS (default 8) from its
# seeds.  Sanitizer pass: each target replays every input of its corpus
# (seeds and the regressions of past crashes) without mutating, so a
# crash that was fixed stays fixed.  A crash fails the test either way.
set -u
cd "$(git rev-parse --show-toplevel 2>/dev/null || pwd)" || exit 2
if [ "${AUTHSCOPE_SAN:-0}" = 1 ]; then
	make --no-print-directory fuzz-build >/tmp/authscope-fuzz-build.log 2>&1 ||
		{ tail -n 30 /tmp/authscope-fuzz-build.log; echo "FAIL: fuzz targets do not build"; exit 1; }
	rc=0
	for src in tests/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c); t=build-fuzz/$name
		[ -d "tests/fuzz/corpus/$name" ] || { echo "FAIL: no corpus for $name"; rc=1; continue; }
		if "$t" -runs=0 "tests/fuzz/corpus/$name" >"build-fuzz/$name.replay.log" 2>&1; then
			echo "ok $name: $(ls "tests/fuzz/corpus/$name" | wc -l) corpus inputs replayed"
		else
			tail -n 40 "build-fuzz/$name.replay.log"; echo "FAIL: $name"; rc=1
		fi
	done
	exit $rc
fi
exec make --no-print-directory fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-8}"
