#!/usr/bin/env bash
# IL instructions per MDB command on nanoCLR (the IL-counting build of /work/shared/nanoframework, README there).
# Builds Program.cs once per scenario against nanoFramework's mscorlib, converts it to .pe, runs it on clr-opcount,
# and prints (scenario − baseline) / repetitions. Usage: bash Tools/MdbOpCount/run.sh [nanoframework folder]
set -euo pipefail
NF="${1:-/work/shared/nanoframework}"
HERE="$(cd "$(dirname "$0")" && pwd)"
LIB="$NF/packages/nanoFramework.CoreLibrary.1.17.11/lib"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
REPS=100

count() {
  local scenario="$1"
  dotnet build "$HERE/LeoCarte.MdbOpCount.csproj" -c Release --no-incremental -v q -nologo \
    -p:MdbScenario="$scenario" -o "$OUT/$scenario" >/dev/null
  (cd "$OUT/$scenario" && dotnet "$NF/mdp/nanoFramework.Tools.MetadataProcessor.dll" -loadHints mscorlib "$LIB/mscorlib.dll" \
    -parse MdbOpCount.dll -compile MdbOpCount.pe false >/dev/null)
  local line
  line="$("$NF/clr-opcount/nanoFramework.nanoCLR.test" "$LIB/mscorlib.pe" "$OUT/$scenario/MdbOpCount.pe" 2>&1)"
  echo "$line" | grep -q "MdbOpCount done" || { echo "scenario $scenario did not finish on nanoCLR" >&2; exit 1; }
  echo "$line" | sed -n 's/.*IL opcodes executed: \([0-9]*\).*/\1/p'
}

base=$(count MDB_BASELINE)
poll=$(count MDB_POLL_IDLE)
with_begin=$(count MDB_POLL_BEGIN_SESSION)
without_begin=$(count MDB_SESSION_NO_BEGIN)
expansion=$(count MDB_EXPANSION_ID)
repeat=$(count MDB_EXPANSION_ID_REPEAT)
step=$(count MDB_STEP_IDLE)
echo "nanoCLR IL instructions (clr-opcount), $REPS repetitions each, setup baseline $base:"
echo "  POLL → ACK (nothing to report), 2 words in, 1 out:          $(( (poll - base) / REPS ))"
echo "  POLL → BEGIN SESSION (level 3, 11 bytes out):               $(( (with_begin - without_begin) / REPS ))"
echo "  EXPANSION REQUEST ID → PERIPHERAL ID (32 words in, 35 out): $(( (expansion - poll) / REPS ))  (the longest exchange)"
echo "  the same request repeated (answer kept, sent again):         $(( (repeat - expansion) / REPS ))"
echo "  CashlessDevice.Step with nothing to do (tap loop tick):     $(( (step - base) / REPS ))"
