#!/usr/bin/env bash
# Runs the whole Nabla test suite from the bundle made by ci/build-bundle.sh, with the bundle's own
# Java runtime (the host needs no Java and no Maven), and writes a report.
#
# Usage: ./run-gpu-tests.sh [--cpu] [--out DIR] [extra JUnit console launcher options...]
#   default  -Dnabla.backend=cuda: every tensor without an explicit device goes to the GPU, and the
#            suite fails loudly if the CUDA backend cannot start (that is the point on a GPU host).
#   --cpu    -Dnabla.backend=cpu: the CPU suite; CUDA tests are reported as skipped with the reason.
#            Run on the build machine, this proves the bundle is self-contained.
#   --out    where results go (default: ./out next to this script).
#
# Writes DIR/report.txt (mode, tests run / failed / skipped, failures, the CUDA and cuBLAS libraries
# that were loaded, device name, driver version), DIR/console.log and DIR/junit/*.xml.
# Exit status: 0 when every test passed (skips allowed), 1 when a test failed, 2 on a set-up error.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=cuda
outdir="$here/out"
extra=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --cpu) mode=cpu ;;
        --cuda) mode=cuda ;;
        --out) outdir="$2"; shift ;;
        *) extra+=("$1") ;;
    esac
    shift
done

java="$here/jre/bin/java"
[ -x "$java" ] || { echo "run-gpu-tests: no bundled Java at $java; build the bundle with ci/build-bundle.sh" >&2; exit 2; }
rm -rf "$outdir"
mkdir -p "$outdir/junit" "$outdir/tmp"

cp_list=""
for j in "$here"/jars/*.jar "$here"/lib/*.jar "$here"/tests/*.jar; do cp_list="$cp_list${cp_list:+:}$j"; done
roots=""
for j in "$here"/tests/*.jar; do roots="$roots${roots:+:}$j"; done

# Preflight: what CUDA looks like from this JVM. In CUDA mode a backend that cannot start fails the run
# here, with its one-sentence reason, instead of as hundreds of test errors.
"$java" -Djava.io.tmpdir="$outdir/tmp" -cp "$cp_list" dev.nabla.runtime.cuda.CudaInfo > "$outdir/cuda-info.txt" 2>&1
info_status=$?
if [ "$mode" = cuda ] && [ "$info_status" -ne 0 ]; then
    echo "run-gpu-tests: the CUDA backend is unavailable ($(grep -m1 '^cuda:' "$outdir/cuda-info.txt")); use --cpu for the CPU suite" >&2
fi

# Tests that compare committed files with the source tree (the PTX drift check) cannot run without
# that tree; the build machine runs them. Override with --include-classname / your own --exclude-*.
source_tree_tests='.*PtxSourceDriftTest'

# JCuda unpacks its native libraries into java.io.tmpdir: keep them in $outdir/tmp to report what loaded
# The JVM options of the surefire runs (the root pom's argLine, and surefire's default -ea): the Vector API
# module, so the CPU GEMM tests cover its path; NaN-poisoned uninitialised CPU outputs; assertions on, which the
# tests assume (e.g. a closed tensor's message names its allocation site, recorded by default only under -ea)
"$java" -ea -Xmx4g --add-modules jdk.incubator.vector -Dnabla.cpu.poison=true -Dnabla.backend="$mode" \
    -Djava.io.tmpdir="$outdir/tmp" \
    -jar "$here/junit-platform-console-standalone.jar" execute \
    --class-path "$cp_list" --scan-class-path "$roots" \
    --reports-dir "$outdir/junit" --details=tree --disable-banner --disable-ansi-colors --fail-if-no-tests \
    --exclude-classname "$source_tree_tests" "${extra[@]}" > "$outdir/console.log" 2>&1
status=$?
if [ "$mode" = cuda ] && [ "$info_status" -ne 0 ]; then status=2; fi

report="$outdir/report.txt"
count() { grep -E "^\[ *[0-9]+ $1 *\]" "$outdir/console.log" | grep -oE '[0-9]+' | head -1; }
{
    echo "Nabla test report"
    echo "================="
    echo "date:            $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host:            $(uname -n) ($(uname -sm))"
    echo "mode:            -Dnabla.backend=$mode"
    echo "bundle:          $here"
    [ -f "$here/BUILD-INFO" ] && sed 's/^/  /' "$here/BUILD-INFO"
    echo "java:            $("$java" -version 2>&1 | head -1)"
    echo
    echo "tests found:     $(count 'tests found')"
    echo "tests successful: $(count 'tests successful')"
    echo "tests failed:    $(count 'tests failed')"
    echo "tests skipped:   $(count 'tests skipped')"
    echo "tests aborted:   $(count 'tests aborted') (assumption not met, e.g. no CUDA device)"
    echo "exit status:     $status (0 all passed, 1 a test failed, 2 set-up error such as no CUDA backend in cuda mode)"
    echo "not run here:    classes matching $source_tree_tests (they need the source tree)"
    reason="$(grep -ho 'CUDA tests skipped: [^&<]*' "$outdir"/junit/*.xml 2>/dev/null | head -1)"
    [ -n "$reason" ] && echo "cuda skip reason: ${reason#CUDA tests skipped: }"
    echo
    echo "GPU"
    echo "---"
    if command -v nvidia-smi >/dev/null 2>&1; then
        nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/device:          /'
        echo "cuda (driver):   $(nvidia-smi 2>/dev/null | grep -o 'CUDA Version: [0-9.]*' | head -1)"
    else
        echo "nvidia-smi:      not found"
    fi
    grep -v '^\[' "$outdir/cuda-info.txt" | sed 's/^/nabla /'
    grep -h "Nabla CUDA backend on\|Nabla backend:" "$outdir/console.log" | head -3 | sed 's/^/log:             /'
    echo
    echo "Libraries"
    echo "---------"
    echo "LD_LIBRARY_PATH: ${LD_LIBRARY_PATH:-(unset)}"
    if command -v ldconfig >/dev/null 2>&1; then
        for lib in libcuda.so.1 libcublas.so.12 libcublasLt.so.12 libcublas.so.13; do
            p="$(ldconfig -p 2>/dev/null | grep -m1 " $lib " | sed 's/.*=> //')"
            printf 'ldconfig %-18s %s\n' "$lib:" "${p:-not found}"
        done
    fi
    for so in "$outdir"/tmp/*.so; do
        [ -e "$so" ] || { echo "jcuda natives:   none unpacked (the driver library was never loaded)"; break; }
        echo "jcuda native:    $(basename "$so")"
        if command -v ldd >/dev/null 2>&1; then
            ldd "$so" 2>/dev/null | grep -E 'libcuda|libcublas|not found' | sed 's/^[[:space:]]*/  uses /'
        fi
    done
    echo
    echo "Failures"
    echo "--------"
    if grep -q "^Failures (" "$outdir/console.log"; then
        sed -n '/^Failures (/,/^Test run finished/p' "$outdir/console.log" | grep -E '^(Failures|  JUnit|    => |  [A-Za-z])' | head -200
    else
        echo "none"
    fi
} > "$report"

cat "$report"
case "$status" in
    0) exit 0 ;;
    1) exit 1 ;;
    *) exit 2 ;;
esac
