#!/bin/sh
# Every format on every committed capture equals pcaps/golden/ byte for
# byte (regenerate with `make golden` after an intended change, and review).
exec sh "$(dirname "$0")/golden.sh" check "${AUTHSCOPE:-./authscope}"
