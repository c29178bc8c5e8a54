#!/usr/bin/env bash
# The application core on nanoFramework's interpreter (issue 10, item 4): Tools/InterpreterBenchmark runs a scripted
# lunch (boot, 14 taps) on .NET over the register-level MFRC522 simulator, records what the chip answered, builds
# the same script against nanoFramework's mscorlib with the recording compiled in (Builds/NanoApp), converts it
# with the MetadataProcessor and runs it on nanoCLR; the driver must send the same bytes and the application print
# the same lines. One line per check, then "nano-app: N passed, N failed"; exits non-zero on any failure or when
# that final line is missing. Without ../shared/nanoframework (a user's clone) it prints one line and exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."

# The toolchain: $NF_TOOLCHAIN as .ci/run exports it (empty = absent), else ../shared/nanoframework beside the clone
# (or one level further up, for a git worktree).
if [ -z "${NF_TOOLCHAIN+set}" ]; then
  for candidate in ../shared/nanoframework ../../shared/nanoframework; do
    if [ -d "$candidate/clr" ]; then NF_TOOLCHAIN=$(cd "$candidate" && pwd); break; fi
  done
fi
if [ -z "${NF_TOOLCHAIN:-}" ] || [ ! -x "$NF_TOOLCHAIN/clr-opcount/nanoFramework.nanoCLR.test" ]; then
  echo "nano-app: skipped: needs ../shared/nanoframework (nanoFramework's MetadataProcessor and nanoCLR built for Linux); see README.md"
  exit 0
fi
export LEOCARTE_NANOFRAMEWORK=$NF_TOOLCHAIN

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet build Tools/InterpreterBenchmark -c Release -nologo -v:q >"$log" 2>&1; then
  cat "$log"
  echo "nano-app: 0 passed, 1 failed (Tools/InterpreterBenchmark did not build)"
  exit 1
fi

dotnet run --no-build -c Release --project Tools/InterpreterBenchmark -- --app-check 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if grep -q '^nano-app: skipped' "$log"; then
  exit 0
fi
if ! grep -Eq '^nano-app: [0-9]+ passed, [0-9]+ failed' "$log"; then
  echo "nano-app: 0 passed, 1 failed (no final count: the check ended early)"
  exit 1
fi
if [ "$status" -ne 0 ] || ! grep -Eq '^nano-app: [0-9]+ passed, 0 failed' "$log"; then
  exit 1
fi
