#!/usr/bin/env bash
# CPU benchmark: Nabla's CPU backend and the best-configured PyTorch/OpenBLAS reference on the same work,
# in one invocation, printed as one table (row | Nabla | reference | ratio) with the machine and the commit.
#
#   ci/bench-cpu.sh [--rounds N] [BenchMain options...]      e.g. ci/bench-cpu.sh --rows gemm,conv --threads 1,2
#
# Both sides get the same options (rows, thread counts, warm-up, repeats, batches). Each side runs every
# thread count in its own child process: Nabla's pool size (-Dnabla.cpu.threads) and OpenBLAS's
# (OMP_NUM_THREADS) are both fixed when the library loads.
# Environment: JAVA (default java), PYTHON (default /usr/bin/python3), BENCH_OUT (default ci/out/bench),
# JAVA_OPTS (JVM options; default --add-modules jdk.incubator.vector, which gives CpuGemm its vectorised path;
# JAVA_OPTS=-Dnabla.cpu.vector=false or an empty JAVA_OPTS=" " measures the portable scalar one).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-/usr/bin/python3}"
OUT="${BENCH_OUT:-$ROOT/ci/out/bench}"
JAR="$ROOT/samples/target/nabla-samples.jar"
mkdir -p "$OUT"

if [[ ! -f "$JAR" || -n "$(find runtime/src samples/src layers/src trainers/src -newer "$JAR" -name '*.java' 2>/dev/null | head -1)" ]]; then
  echo "bench-cpu: building the samples jar" >&2
  mvn -B -q -o -DskipTests package -pl samples -am >&2
fi

# The reference at its best: OpenBLAS's OpenMP build with its AVX-512 kernels, and ATen's AVX-512 path,
# when this CPU has AVX-512; otherwise the AVX2 (Haswell) ones.
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
if [[ ! -e "$OPENBLAS_DIR/libopenblas.so.0" ]]; then
  echo "bench-cpu: $OPENBLAS_DIR is missing; install it with: apt-get install -y libopenblas0-openmp" >&2
  exit 1
fi
if grep -q ' avx512f' /proc/cpuinfo && grep -q ' avx512bw' /proc/cpuinfo && grep -q ' avx512vl' /proc/cpuinfo; then
  CORETYPE=SkylakeX; ATEN=avx512
else
  CORETYPE=Haswell; ATEN=avx2
fi
echo "bench-cpu: reference uses OPENBLAS_CORETYPE=$CORETYPE ATEN_CPU_CAPABILITY=$ATEN ($OPENBLAS_DIR)" >&2

# Rows are measured one at a time, the reference's then Nabla's, so that both sides of a ratio run within a
# minute of each other (the shared machines drift by 20-40% over minutes); --rounds N repeats that N times
# and reports each side's median (and every round's ratio on stderr).
ROUNDS=1
ROWS="gemm,conv,mlp,cnn,transformer"
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --rounds=*) ROUNDS="${1#--rounds=}"; shift ;;
    --rows) ROWS="$2"; shift 2 ;;
    --rows=*) ROWS="${1#--rows=}"; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
if ! [[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench-cpu: --rounds must be a positive integer, got '$ROUNDS'" >&2
  exit 1
fi
rm -rf "$OUT/rounds"
mkdir -p "$OUT/rounds"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo '+dirty')"
IFS=',' read -r -a ROW_LIST <<< "$ROWS"
for ((r = 1; r <= ROUNDS; r++)); do
  for row in "${ROW_LIST[@]}"; do
    echo "bench-cpu: round $r/$ROUNDS, $row: reference (PyTorch/OpenBLAS)" >&2
    LD_LIBRARY_PATH="$OPENBLAS_DIR" OPENBLAS_CORETYPE="$CORETYPE" ATEN_CPU_CAPABILITY="$ATEN" \
      "$PYTHON" ci/bench/reference_cpu.py "${ARGS[@]}" --rows "$row" --json "$OUT/rounds/reference-$r-$row.json" > /dev/null
    echo "bench-cpu: round $r/$ROUNDS, $row: Nabla" >&2
    # shellcheck disable=SC2086
    # BenchMain passes its JVM options on to the child JVMs it starts per thread count.
    "$JAVA" ${JAVA_OPTS:---add-modules jdk.incubator.vector} -cp "$JAR" dev.nabla.samples.bench.BenchMain "${ARGS[@]}" \
      --rows "$row" --json "$OUT/rounds/nabla-$r-$row.json" > /dev/null
  done
done
"$PYTHON" ci/bench/merge_rounds.py "$OUT" "$ROUNDS" "$ROWS"
# shellcheck disable=SC2086
"$JAVA" ${JAVA_OPTS:---add-modules jdk.incubator.vector} -cp "$JAR" dev.nabla.samples.bench.BenchMain \
  --report "$OUT/nabla.json" --reference "$OUT/reference.json" --markdown "$OUT/table.md" --commit "$COMMIT"
echo "bench-cpu: table in $OUT/table.md, raw numbers in $OUT/nabla.json and $OUT/reference.json (rounds in $OUT/rounds)" >&2
