#!/usr/bin/env bash
# IL instructions executed by nanoCLR (shared/nanoframework clr-opcount) for ECDSA verification (Terminal/Crypto) on
# P-256 (list signatures) and secp224r1 (DESFire originality signature), with the modeled ESP32 time.
# Usage: bash Tools/EcdsaOpCount/run.sh [path to shared/nanoframework]   (default /work/shared/nanoframework)
set -eu
NF=${1:-/work/shared/nanoframework}
if [ ! -x "$NF/clr-opcount/nanoFramework.nanoCLR.test" ]; then
  echo "skipped: no opcode-counting nanoCLR in $NF/clr-opcount (see shared/nanoframework/README.md)"
  exit 0
fi
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; rm -f "$HERE/PartName.g.cs"' EXIT
MSCORLIB=$NF/packages/nanoFramework.CoreLibrary.1.17.11/lib
# ESP32 time per IL instruction: the assumption of Tools/InterpreterBenchmark (CostModel.IlInstructionNs), an upper
# bound from a published nanoFramework ESP32 loop timing (nanoframework/Home#1013); replace when measured on hardware.
NS_PER_IL=2060
declare -A COUNT
for curve in p256 p224; do
  for step in curve verifier key verify verify2 bad; do
    part="$step-$curve"
    echo "namespace LeoCarte.Tools.EcdsaOpCount { internal static class Part { public const string Name = \"$part\"; } }" > "$HERE/PartName.g.cs"
    dotnet build "$HERE/LeoCarte.EcdsaOpCount.csproj" -c Release -o "$WORK/bin" -nologo -v:q > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
    dotnet "$NF/mdp/nanoFramework.Tools.MetadataProcessor.dll" -loadHints mscorlib "$MSCORLIB/mscorlib.dll" \
      -parse "$WORK/bin/EcdsaOpCount.dll" -compile "$WORK/EcdsaOpCount.pe" false > "$WORK/mdp.log" 2>&1 || { cat "$WORK/mdp.log"; exit 1; }
    out=$("$NF/clr-opcount/nanoFramework.nanoCLR.test" "$MSCORLIB/mscorlib.pe" "$WORK/EcdsaOpCount.pe" 2>&1)
    echo "$out" | grep -q "part $part ok True" || { echo "$out" | tail -5; echo "part $part did not complete"; exit 1; }
    COUNT[$part]=$(echo "$out" | grep -oE "IL opcodes executed: [0-9]+" | grep -oE "[0-9]+$")
  done
done
for step in tapsetup tapknown tapdigest tapdigestportable; do
  part="$step-p224"
  echo "namespace LeoCarte.Tools.EcdsaOpCount { internal static class Part { public const string Name = \"$part\"; } }" > "$HERE/PartName.g.cs"
  dotnet build "$HERE/LeoCarte.EcdsaOpCount.csproj" -c Release -o "$WORK/bin" -nologo -v:q > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  dotnet "$NF/mdp/nanoFramework.Tools.MetadataProcessor.dll" -loadHints mscorlib "$MSCORLIB/mscorlib.dll" \
    -parse "$WORK/bin/EcdsaOpCount.dll" -compile "$WORK/EcdsaOpCount.pe" false > "$WORK/mdp.log" 2>&1 || { cat "$WORK/mdp.log"; exit 1; }
  out=$("$NF/clr-opcount/nanoFramework.nanoCLR.test" "$MSCORLIB/mscorlib.pe" "$WORK/EcdsaOpCount.pe" 2>&1)
  echo "$out" | grep -q "part $part ok True" || { echo "$out" | tail -5; echo "part $part did not complete"; exit 1; }
  COUNT[$part]=$(echo "$out" | grep -oE "IL opcodes executed: [0-9]+" | grep -oE "[0-9]+$")
done
ms() { echo "$(( $1 * NS_PER_IL / 1000000 )) ms"; }
echo "IL instructions executed by nanoCLR (mscorlib 1.17.11); ESP32 time at $NS_PER_IL ns per IL instruction (assumption, see Tools/InterpreterBenchmark/README.md):"
for curve in p256 p224; do
  name=$([ $curve = p256 ] && echo "P-256    " || echo "secp224r1")
  c=${COUNT[curve-$curve]}; v=${COUNT[verifier-$curve]}; k=${COUNT[key-$curve]}; f=${COUNT[verify-$curve]}; f2=${COUNT[verify2-$curve]}; b=${COUNT[bad-$curve]}
  echo "  $name curve constants (once)              : $c ($(ms $c))"
  echo "  $name table of G multiples (once per curve): $(( v - c )) ($(ms $(( v - c ))))"
  echo "  $name public key set (once per key)        : $(( k - v )) ($(ms $(( k - v ))))"
  echo "  $name one verification (first)             : $(( f - k )) ($(ms $(( f - k ))))"
  echo "  $name one verification (next)              : $(( f2 - f )) ($(ms $(( f2 - f ))))"
  echo "  $name one wrong signature                  : $(( b - k )) ($(ms $(( b - k ))))"
done
t=${COUNT[tapsetup-p224]}
echo "Originality check in the tap (App/OriginalityCheck, no ECDSA):"
echo "  remembered verdict (CRC-32 of the signature + lookup)        : $(( ${COUNT[tapknown-p224]} - t )) ($(( (${COUNT[tapknown-p224]} - t) * NS_PER_IL / 1000 )) µs)"
echo "  list digest, device's native HMAC-SHA256 (IL around the call): $(( ${COUNT[tapdigest-p224]} - t )) ($(( (${COUNT[tapdigest-p224]} - t) * NS_PER_IL / 1000 )) µs)"
echo "  list digest, subset HMAC-SHA256 (host, nanoCLR)              : $(( ${COUNT[tapdigestportable-p224]} - t )) ($(( (${COUNT[tapdigestportable-p224]} - t) * NS_PER_IL / 1000 )) µs)"
