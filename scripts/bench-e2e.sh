#!/usr/bin/env bash
# End-to-end benchmark: aiokpl vs the official KPL 1.1.1 vs a plain AWS SDK v2 PutRecords loop,
# each run in its own JVM, alternated (A B C A B C ...), against kinesalite over HTTPS and/or a
# null endpoint that stores nothing. Results and the exact setup go to stdout and to
# aiokpl-bench/target/e2e/results-*.md; docs/benchmarks.md explains the columns.
#
#   bash scripts/bench-e2e.sh                 kinesalite, then the null endpoint
#   bash scripts/bench-e2e.sh kinesalite      only kinesalite (--ssl, 127.0.0.1)
#   bash scripts/bench-e2e.sh null            only the null endpoint
#   bash scripts/bench-e2e.sh null --rounds 7 --records 500000 --jfr   (options: see E2eBenchmark)
#   bash scripts/bench-e2e.sh null --protocol default   aiokpl and sdk speak CBOR, as against Kinesis
#
# Environment: BENCH_SKIP_BUILD=1 (reuse the last build), BENCH_TIMEOUT (seconds for each target,
# default 3600), AIOKPL_EMULATORS_DIR (where scripts/emulators.sh installs kinesalite).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGETS=(kinesalite null)
if [[ $# -gt 0 && "$1" != --* ]]; then
  case "$1" in
    kinesalite | null) TARGETS=("$1") ;;
    both) ;;
    *) echo "usage: $0 [kinesalite|null|both] [--option value ...]" >&2; exit 2 ;;
  esac
  shift
fi

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  # -P e2e: compiles aiokpl-bench/src/e2e and brings in the KPL; tests are not run.
  mvn -B -ntp -q -P e2e -pl aiokpl-bench -am package -DskipTests
fi
BUILD="$ROOT/aiokpl-bench/target/e2e-build"
CP="$BUILD/classes:$(cat "$BUILD/e2e-classpath.txt")"

status=0
for target in "${TARGETS[@]}"; do
  extra=()
  if [[ "$target" == kinesalite ]]; then
    bash "$ROOT/scripts/emulators.sh" install
    extra=(--kinesalite "${AIOKPL_EMULATORS_DIR:-$ROOT/.emulators}/kinesalite-pkg/node_modules/kinesalite/cli.js"
      --scripts "$ROOT/scripts")
  fi
  timeout --kill-after=30 "${BENCH_TIMEOUT:-3600}" \
    java -Xmx2g -cp "$CP" dev.aiokpl.bench.e2e.E2eBenchmark --target "$target" \
    --work "$ROOT/aiokpl-bench/target/e2e" "${extra[@]}" "$@" || status=$?
done
exit "$status"
