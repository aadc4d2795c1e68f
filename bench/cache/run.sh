#!/usr/bin/env bash
# Load / lookup / store of a 5,000-entry bucket (criterion). Prints medians.
# The issue's bar: loading a 5,000-entry bucket takes a few milliseconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo bench -p warmstart-cache --bench bucket -- "$@" 2>&1 | grep -E "^bucket|time:"
