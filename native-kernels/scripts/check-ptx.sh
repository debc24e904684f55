#!/usr/bin/env bash
# Assembles every committed PTX file with ptxas for each GPU generation Nabla supports
# (Turing sm_75, Ampere sm_80/sm_86, Ada sm_89, Hopper sm_90), and checks that the
# `.version` line is at most 8.x so CUDA 12 drivers load it. Exit status 1 on any failure.
#
# Usage: native-kernels/scripts/check-ptx.sh [family ...]   (default: every .ptx file)
set -euo pipefail

ARCHS=(sm_75 sm_80 sm_86 sm_89 sm_90)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ptx_dir="$(dirname "$here")/src/main/resources/dev/nabla/kernels"
command -v ptxas >/dev/null || { echo "check-ptx: ptxas not on PATH" >&2; exit 1; }

if [ "$#" -gt 0 ]; then files=(); for f in "$@"; do files+=("$ptx_dir/$f.ptx"); done
else files=("$ptx_dir"/*.ptx); fi

status=0
for f in "${files[@]}"; do
  name="$(basename "$f")"
  if ! grep -qE '^\.version [0-8]\.[0-9]+$' "$f"; then
    echo "FAIL $name: .version is not 8.x or lower: $(grep -m1 '^\.version' "$f" || echo none)"; status=1
  fi
  for arch in "${ARCHS[@]}"; do
    if ptxas -arch="$arch" --warning-as-error -o /dev/null "$f" 2> /tmp/check-ptx.$$.err; then
      echo "ok   $name $arch"
    else
      echo "FAIL $name $arch"; sed 's/^/     /' /tmp/check-ptx.$$.err; status=1
    fi
  done
done
rm -f /tmp/check-ptx.$$.err
exit $status
