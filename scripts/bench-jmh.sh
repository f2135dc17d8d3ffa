#!/usr/bin/env bash
# The in-process JMH pipeline benchmark on one core, with the GC profiler (B/op) and CPU time
# per operation (cpu.time.norm):
#
#   bash scripts/bench-jmh.sh                 Pipeline, both callback modes
#   bash scripts/bench-jmh.sh Codec           any other JMH selector and options
#
# BENCH_SKIP_BUILD=1 reuses the last aiokpl-bench/target/benchmarks.jar; BENCH_CPU picks the core (0).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -ntp -q -pl aiokpl-bench -am package -DskipTests
fi
if [[ $# -eq 0 ]]; then
  set -- Pipeline
fi
exec taskset -c "${BENCH_CPU:-0}" java -jar "$ROOT/aiokpl-bench/target/benchmarks.jar" "$@" \
  -prof gc -prof dev.aiokpl.bench.CpuTimeProfiler
