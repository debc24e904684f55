#!/usr/bin/env bash
# Builds a self-contained test bundle for a GPU host that has no Java and no Maven:
#
#   ci/out/bundle/
#     jre/                                    jlink'd Java runtime (only the modules the jars use)
#     jars/                                   the project's jars (nabla-*.jar)
#     lib/                                    third-party run-time jars (JCuda + linux natives, slf4j)
#     tests/                                  each module's test classes and resources, one jar each
#     junit-platform-console-standalone.jar   the JUnit Platform console launcher
#     run-gpu-tests.sh                        runs the whole suite from the bundle (see that script)
#     bench-gpu.sh, bench/reference_gpu.py    the GPU benchmark, Nabla (samples jar) vs PyTorch (see that script)
#     BUILD-INFO                              commit, date, versions, sizes
#
# Usage: ci/build-bundle.sh            (offline; set MVN_ONLINE=1 to let Maven download)
# The bundle must stay under 60 MB so it travels quickly; the script fails if it does not.
# Left out on purpose: the windows-x86_64 JCuda natives (a linux bundle), JCuda's run-time compiler
# natives (we ship PTX), JUnit's own jars (the console launcher bundles the same versions), logback
# (tests log through slf4j-simple, to stderr).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/ci/out/bundle"
limit_mb=60
mvn_flags=(-B -q)
[ "${MVN_ONLINE:-0}" = "1" ] || mvn_flags+=(-o)

command -v mvn >/dev/null || { echo "build-bundle: mvn not on PATH" >&2; exit 1; }
command -v jlink >/dev/null || { echo "build-bundle: jlink not on PATH (need a JDK 17+)" >&2; exit 1; }

echo "build-bundle: building the project jars and test classes"
(cd "$root" && mvn "${mvn_flags[@]}" -DskipTests clean package dependency:copy-dependencies -DincludeScope=test)

rm -rf "$out"
mkdir -p "$out/jars" "$out/lib" "$out/tests"

modules=$(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' "$root/pom.xml")
for m in $modules; do
    t="$root/$m/target"
    for j in "$t"/*.jar; do
        [ -e "$j" ] || continue
        case "$(basename "$j")" in
            *-tests.jar|*-sources.jar|*-javadoc.jar) ;;
            # the shaded samples jar repeats every dependency already in lib/: take the plain one
            original-*) cp "$j" "$out/jars/$(basename "$j" | sed 's/^original-//')" ;;
            *) [ -e "$t/original-$(basename "$j")" ] || cp "$j" "$out/jars/" ;;
        esac
    done
    if [ -d "$t/test-classes" ] && [ -n "$(ls -A "$t/test-classes")" ]; then
        jar --create --file "$out/tests/$(basename "$m")-tests.jar" -C "$t/test-classes" .
    fi
    if [ -d "$t/dependency" ]; then
        for j in "$t/dependency"/*.jar; do
            b="$(basename "$j")"
            case "$b" in
                nabla-*|junit-*|opentest4j-*|apiguardian-*|logback-*|*windows*) ;;
                *) cp -n "$j" "$out/lib/" ;;
            esac
        done
    fi
done

# JCuda's natives jar carries libJNvPTXCompiler (24 MB unpacked) and libJNvrtc for run-time
# compilation; Nabla ships PTX and uses neither, so the bundle's copy leaves them out.
for j in "$out"/lib/jcuda-natives-*.jar; do
    [ -e "$j" ] || continue
    tmp="$(mktemp -d)"
    (cd "$tmp" && jar --extract --file "$j")
    rm -f "$tmp"/lib/libJNvPTXCompiler-* "$tmp"/lib/libJNvrtc-*
    rm -f "$j"
    jar --create --no-manifest --file "$j" -C "$tmp" .
    rm -rf "$tmp"
done

# the console launcher matching the JUnit Jupiter version in the parent pom (5.x.y -> 1.x.y)
jupiter="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/pom.xml")"
platform="1.${jupiter#5.}"
standalone="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$platform/junit-platform-console-standalone-$platform.jar"
if [ ! -f "$standalone" ]; then
    echo "build-bundle: fetching junit-platform-console-standalone $platform"
    mvn -B -q dependency:get -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform"
fi
cp "$standalone" "$out/junit-platform-console-standalone.jar"

echo "build-bundle: jlink'ing a Java runtime"
# the JDK modules the jars use, jar by jar (jdeps gives up on a whole set when one jar confuses it)
mods="java.base,java.logging,java.management,java.xml,jdk.incubator.vector,jdk.unsupported,jdk.zipfs"
for j in "$out"/jars/*.jar "$out"/tests/*.jar "$out"/lib/*.jar "$out/junit-platform-console-standalone.jar"; do
    d="$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps \
            --class-path "$(ls "$out"/lib/*.jar "$out"/jars/*.jar | paste -sd:)" "$j" 2>/dev/null | tail -1 || true)"
    if [[ "$d" =~ ^[a-z0-9.,]+$ ]]; then mods="$mods,$d"; fi
done
# java.xml: the launcher's XML reports; jdk.unsupported: sun.misc for libraries; jdk.zipfs: jar resources;
# jdk.incubator.vector: CpuGemm's vectorised path (run-gpu-tests.sh adds the module, like surefire)
mods="$(echo "$mods" | tr ',' '\n' | sort -u | paste -sd, -)"
jlink --add-modules "$mods" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/jre"
# Debian's libjvm.so keeps its symbol tables (about 4 MB); drop them when strip is at hand.
if command -v strip >/dev/null; then find "$out/jre" -name '*.so' -exec strip --strip-unneeded {} +; fi

cp "$root/ci/run-gpu-tests.sh" "$out/"
chmod +x "$out/run-gpu-tests.sh"
# the GPU benchmark: its Java side is in jars/nabla-samples.jar (jackson in lib/), its reference beside it
mkdir -p "$out/bench"
cp "$root/ci/bench-gpu.sh" "$out/"
cp "$root/ci/bench/reference_gpu.py" "$out/bench/"
chmod +x "$out/bench-gpu.sh"

size_mb=$(( $(du -sk "$out" | cut -f1) / 1024 ))
{
    echo "commit:   $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "built:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "java:     $("$out/jre/bin/java" -version 2>&1 | head -1)"
    echo "modules:  $mods"
    echo "junit:    jupiter $jupiter, console launcher $platform"
    echo "size:     ${size_mb} MB (jre $(du -sm "$out/jre" | cut -f1) MB, lib $(du -sm "$out/lib" | cut -f1) MB)"
} > "$out/BUILD-INFO"
cat "$out/BUILD-INFO"

if [ "$size_mb" -ge "$limit_mb" ]; then
    echo "build-bundle: the bundle is ${size_mb} MB, over the ${limit_mb} MB limit" >&2
    exit 1
fi
echo "build-bundle: $out (${size_mb} MB)"
