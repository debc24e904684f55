#!/usr/bin/env bash
# GPU benchmark: Nabla's CUDA backend and PyTorch (eager, CUDA) on the same work, in one invocation, printed
# as one table (row | Nabla | PyTorch | Nabla/PyTorch, with units) under the device, the driver and CUDA
# versions and the commit. Rows: float32 GEMM n = 1024..8192 (TFLOP/s; Nabla's default path and its PTX GEMM
# forced, PyTorch's torch.matmul), causal attention forward + backward B=8 H=12 T=1024 D=64 (ms), a training
# step of the Fashion-MNIST CNN at batch 128 with Adam (ms/step, samples/s) and of a 6-layer GPT (6 heads,
# width 384, context 256, batch 64, AdamW; ms/step, tokens/s). Both sides run float32 with TF32 off.
#
#   ./bench-gpu.sh [--out DIR] [--quick] [--device cuda|cpu] [--rows gemm,gemm-ptx,attention,cnn,gpt]
#                  [--gemm-sizes 1024,2048] [--warmup N] [--repeats N]
#
# Runs from the bundle made by ci/build-bundle.sh (bundled Java, no Maven, no network: the GPU host case) or
# from the source tree as ci/bench-gpu.sh (system java, builds the samples jar when it is stale).
#   --quick   small sizes, few repeats: a smoke run (about a minute on a GPU).
#   --device  cuda (default) or cpu: the same code on the CPU backend and torch's CPU, which is how the
#             script is tested on a machine without a GPU (Debian's python3-torch 1.13 is enough).
#   --out     where results go (default: out/bench-gpu next to this script).
# Writes DIR/table.md (the table), DIR/results.json (both sides' values, ratios and notes per row),
# DIR/nabla.json and DIR/reference.json (each side's raw rows), DIR/nabla.log and DIR/reference.log, and on a
# GPU host DIR/nvidia-smi.txt and DIR/cuda-info.txt (which GEMM path Nabla takes, cuBLAS or PTX, and why).
# Environment: PYTHON (default python3: the one with torch), JAVA (source-tree mode only; default java),
# BENCH_TIMEOUT_REF / BENCH_TIMEOUT_NABLA (seconds per side; defaults 300 and 420).
# A row that fails on one side (out of memory, say) shows as n/a with the reason under the table.
# Exit status: 0 when the table was written, 2 when Nabla's side produced none.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out/bench-gpu"
device=cuda
common=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift ;;
        --device) device="$2"; shift ;;
        --quick) common+=(--quick) ;;
        --rows|--gemm-sizes|--warmup|--repeats) common+=("$1" "$2"); shift ;;
        -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-gpu: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$device" in cuda|cpu) ;; *) echo "bench-gpu: --device is cuda or cpu, not $device" >&2; exit 2 ;; esac
PYTHON="${PYTHON:-python3}"
mkdir -p "$out/tmp"
out="$(cd "$out" && pwd)"
rm -f "$out"/table.md "$out"/results.json "$out"/nabla.json "$out"/reference.json

if [ -x "$here/jre/bin/java" ]; then
    # the bundle: jars/ and lib/ next to this script, the commit in BUILD-INFO
    java="$here/jre/bin/java"
    cp_list="$(ls "$here"/jars/*.jar "$here"/lib/*.jar | paste -sd: -)"
    commit="$(sed -n 's/^commit: *//p' "$here/BUILD-INFO" 2>/dev/null)"
else
    # the source tree: this script is ci/bench-gpu.sh
    root="$(cd "$here/.." && pwd)"
    java="${JAVA:-java}"
    jar="$root/samples/target/nabla-samples.jar"
    if [[ ! -f "$jar" || -n "$(find "$root"/runtime/src "$root"/samples/src "$root"/layers/src "$root"/trainers/src -newer "$jar" -name '*.java' 2>/dev/null | head -1)" ]]; then
        echo "bench-gpu: building the samples jar" >&2
        (cd "$root" && mvn -B -q -o -DskipTests package -pl samples -am) >&2 || { echo "bench-gpu: the build failed" >&2; exit 2; }
    fi
    cp_list="$jar"
    commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo '+dirty')"
fi
reference="$here/bench/reference_gpu.py"
[ -f "$reference" ] || { echo "bench-gpu: no $reference" >&2; exit 2; }
limit() { if command -v timeout >/dev/null 2>&1; then timeout "$@"; else shift; "$@"; fi; }

# The device line: nvidia-smi when there is one; otherwise GpuBenchMain takes torch's or Nabla's view.
gpu_info=""
if [ "$device" = cuda ] && command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi > "$out/nvidia-smi.txt" 2>&1
    name_driver="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
    cuda_version="$(grep -o 'CUDA Version: [0-9.]*' "$out/nvidia-smi.txt" | head -1 | sed 's/CUDA Version: //')"
    gpu_info="$(echo "$name_driver" | awk -F', ' '{print $1 ", driver " $2 ", " $3}'), CUDA ${cuda_version:-?} (nvidia-smi)"
fi
if [ "$device" = cuda ]; then
    "$java" -Djava.io.tmpdir="$out/tmp" -cp "$cp_list" dev.nabla.runtime.cuda.CudaInfo > "$out/cuda-info.txt" 2>&1 \
        || echo "bench-gpu: the CUDA backend is unavailable: $(grep -m1 '^cuda:' "$out/cuda-info.txt"); Nabla's rows will say so" >&2
fi

echo "bench-gpu: PyTorch reference ($PYTHON, --device $device)" >&2
limit "${BENCH_TIMEOUT_REF:-300}" "$PYTHON" "$reference" --device "$device" "${common[@]}" --json "$out/reference.json" \
    2> >(tee "$out/reference.log" >&2) > /dev/null
ref_status=$?
[ "$ref_status" -eq 0 ] || echo "bench-gpu: the reference exited with $ref_status (see $out/reference.log); its column will be n/a" >&2

echo "bench-gpu: Nabla (-Dnabla.backend=$device)" >&2
# java.io.tmpdir: JCuda unpacks its native libraries there. --add-modules: the CPU GEMM's vector path (--device cpu).
limit "${BENCH_TIMEOUT_NABLA:-420}" "$java" --add-modules jdk.incubator.vector -Dnabla.backend="$device" -Djava.io.tmpdir="$out/tmp" \
    -cp "$cp_list" dev.nabla.samples.bench.GpuBenchMain --device "$device" "${common[@]}" \
    --json "$out/nabla.json" --reference "$out/reference.json" --markdown "$out/table.md" --results "$out/results.json" \
    --commit "${commit:-unknown}" --gpu-info "$gpu_info" 2> >(grep -v '^WARNING: Using incubator modules' | tee "$out/nabla.log" >&2)
nabla_status=$?
wait
if [ "$nabla_status" -ne 0 ] || [ ! -s "$out/table.md" ]; then
    echo "bench-gpu: Nabla's side exited with $nabla_status and wrote no table (see $out/nabla.log)" >&2
    exit 2
fi
echo "bench-gpu: table in $out/table.md, both sides per row in $out/results.json" >&2
