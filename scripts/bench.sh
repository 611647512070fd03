#!/usr/bin/env bash
# Runs the benchmarks whose figures are judged against a baseline measured in the same run
# (see runtime/benches/support/figure.rs), in release mode, and writes what they found:
# the table between the figure markers of docs/BENCHMARKS.md and docs/benchmarks/figures.json.
#
#   scripts/bench.sh           measure and write
#   scripts/bench.sh --quick   each benchmark once in its short mode, in the dev profile,
#                              writing nothing (the test suite runs this so that the
#                              benchmarks keep building and running; its figures mean nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
capsule_install_system_packages
capsule_use_shared_target_dir

quick=false
if [ "${1:-}" = "--quick" ]; then
  quick=true
fi

# Each entry: a package and one of its benchmarks.
benches=(
  "capsule-view view"
  "capsule-logic logic_events"
  "capsule-cli storage"
  "capsule-packages install_throughput"
  "capsule-runtime session_memory"
  "capsule-runtime window_figures"
)

json_lines=()
rows=()
for entry in "${benches[@]}"; do
  read -r package bench <<<"$entry"
  echo "== $package: $bench"
  if $quick; then
    output=$(cargo bench --locked -q --profile dev -p "$package" --bench "$bench" -- --quick)
  else
    output=$(cargo bench --locked -q -p "$package" --bench "$bench")
  fi
  grep -v '^bench-' <<<"$output" || true
  while IFS= read -r line; do
    case "$line" in
      "bench-json: "*) json_lines+=("${line#bench-json: }") ;;
      "bench-row: "*) rows+=("${line#bench-row: }") ;;
    esac
  done <<<"$output"
done

if [ "${#rows[@]}" -eq 0 ]; then
  echo "error: no benchmark reported a figure" >&2
  exit 1
fi
if $quick; then
  echo "== ${#rows[@]} figures reported (quick mode: nothing written)"
  exit 0
fi

cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
machine="$(nproc) cores, ${cpu}, $(uname -sr)"
measured=$(date -u +%Y-%m-%d)

mkdir -p docs/benchmarks
{
  printf '{\n  "measured": "%s",\n  "machine": "%s",\n  "figures": [\n' "$measured" "$machine"
  for i in "${!json_lines[@]}"; do
    separator=","
    if [ "$i" -eq $((${#json_lines[@]} - 1)) ]; then separator=""; fi
    printf '    %s%s\n' "${json_lines[$i]}" "$separator"
  done
  printf '  ]\n}\n'
} >docs/benchmarks/figures.json

table=$(mktemp)
{
  echo "Measured on ${measured}: ${machine}. Release builds; each figure and its baseline come from one run."
  echo
  echo "| Figure | Value | Baseline | Ratio | Goal | |"
  echo "|---|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
} >"$table"
awk -v table="$table" '
  /<!-- figures:start -->/ { print; while ((getline line < table) > 0) print line; skipping = 1; next }
  /<!-- figures:end -->/ { skipping = 0 }
  !skipping { print }
' docs/BENCHMARKS.md >docs/BENCHMARKS.md.new
mv docs/BENCHMARKS.md.new docs/BENCHMARKS.md
rm -f "$table"
echo "== wrote docs/BENCHMARKS.md and docs/benchmarks/figures.json"
