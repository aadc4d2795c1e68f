#!/usr/bin/env bash
# Runs every fuzz target for a short while (default 30 s each) with the
# installed nightly toolchain; installs cargo-fuzz when it is missing.
# Usage: fuzz/ci.sh [SECONDS_PER_TARGET]
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi
targets=(metadata_eval config imports asset_paths)
cargo +nightly fuzz build -O
for t in "${targets[@]}"; do
    if [ -d "regressions/$t" ]; then
        # Inputs that once crashed, hung or exhausted memory: each must now
        # run at once (libFuzzer runs files given as arguments one time).
        echo "fuzz: $t regressions"
        cargo +nightly fuzz run -O "$t" regressions/"$t"/* -- -timeout=10 -rss_limit_mb=2048 2>&1 | tail -n 3
    fi
    echo "fuzz: $t for ${secs}s"
    # Work on a scratch copy of the corpus so CI leaves the committed seeds alone.
    scratch="$(mktemp -d)"
    cp -r "corpus/$t/." "$scratch/"
    cargo +nightly fuzz run -O "$t" "$scratch" -- -max_total_time="$secs" -rss_limit_mb=2048 \
        -timeout=60 -print_final_stats=1 2>&1 | tail -n 15
    rm -rf "$scratch"
done
echo "fuzz: all targets ran ${secs}s without a crash"
