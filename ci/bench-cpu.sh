#!/usr/bin/env bash
# CPU benchmark: Nabla's CPU backend and the best-configured PyTorch/OpenBLAS reference on the same work,
# in one invocation, printed as one table (row | Nabla | reference | ratio) with the machine and the commit.
#
#   ci/bench-cpu.sh [--slices N] [--rounds N] [BenchMain options...]   e.g. ci/bench-cpu.sh --rows gemm,conv --threads 1,2
#
# Both sides get the same options (rows, thread counts, warm-up, repeats per slice, batches). Each side runs every
# row and thread count in its own child process: Nabla's pool size (-Dnabla.cpu.threads) and OpenBLAS's
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
# glibc's malloc serves blocks over 128 KiB-32 MiB (its threshold adapts) with mmap and gives freed memory back to
# the kernel beyond 128 KiB of free top; PyTorch frees and reallocates every intermediate tensor, so each op's output
# faulted in fresh pages: measured on a 2-vCPU Zen 5 VM, Adam's step on the MLP's 235k parameters took 3.3 ms
# (aten::div on a 200k-element tensor 197 us, most of it in page faults), the MLP epoch 2.9 s; with these two
# settings 0.30 ms and 0.63 s. The reference keeps its freed memory, as a tuned PyTorch install (jemalloc or
# tcmalloc preloaded) does; Nabla's CPU backend reuses its buffers through its own pool.
MALLOC_ENV=(--ref-env "MALLOC_MMAP_THRESHOLD_=33554432" --ref-env "MALLOC_TRIM_THRESHOLD_=268435456")
echo "bench-cpu: reference uses OPENBLAS_CORETYPE=$CORETYPE ATEN_CPU_CAPABILITY=$ATEN ($OPENBLAS_DIR)" >&2

# Both sides run at once, one row and thread count at a time, and take turns a slice of timed runs each
# (ci/bench/paired.py): each ratio compares runs a second apart, where separate runs minutes apart swung by
# 20-50% on these shared machines. --slices N (default 7) slices per side and key; --rounds N (default 1) fresh
# pairs of processes, each side's value then the median of its rounds and the ratio the median over every slice.
ROUNDS=1
SLICES=7
ROWS="gemm,conv,mlp,cnn,transformer"
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --rounds=*) ROUNDS="${1#--rounds=}"; shift ;;
    --slices) SLICES="$2"; shift 2 ;;
    --slices=*) SLICES="${1#--slices=}"; shift ;;
    --rows) ROWS="$2"; shift 2 ;;
    --rows=*) ROWS="${1#--rows=}"; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
for v in "$ROUNDS" "$SLICES"; do
  if ! [[ "$v" =~ ^[1-9][0-9]*$ ]]; then
    echo "bench-cpu: --rounds and --slices must be positive integers, got '$v'" >&2
    exit 1
  fi
done
rm -rf "$OUT/rounds"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo '+dirty')"
"$PYTHON" ci/bench/paired.py --out "$OUT" --python "$PYTHON" --rounds "$ROUNDS" --slices "$SLICES" --rows "$ROWS" \
  --java-cmd "$JAVA ${JAVA_OPTS:---add-modules jdk.incubator.vector} -cp $JAR" \
  --ref-env "LD_LIBRARY_PATH=$OPENBLAS_DIR" --ref-env "OPENBLAS_CORETYPE=$CORETYPE" --ref-env "ATEN_CPU_CAPABILITY=$ATEN" \
  "${MALLOC_ENV[@]}" \
  "${ARGS[@]}"
# shellcheck disable=SC2086
"$JAVA" ${JAVA_OPTS:---add-modules jdk.incubator.vector} -cp "$JAR" dev.nabla.samples.bench.BenchMain \
  --report "$OUT/nabla.json" --reference "$OUT/reference.json" --markdown "$OUT/table.md" --commit "$COMMIT"
echo "bench-cpu: table in $OUT/table.md, raw numbers in $OUT/nabla.json and $OUT/reference.json (rounds in $OUT/rounds)" >&2
