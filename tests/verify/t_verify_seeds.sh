#!/bin/sh
# authscope verify end to end: seeds (see verify_e2e.py)
cd "$(git rev-parse --show-toplevel)" || exit 2
exec python3 tests/verify/verify_e2e.py seeds
