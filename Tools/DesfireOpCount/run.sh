#!/usr/bin/env bash
# IL instructions executed by nanoCLR (shared/nanoframework/clr-opcount) for the cryptography of a desfire-aes tap.
# Usage: bash Tools/DesfireOpCount/run.sh [path to shared/nanoframework]   (default /work/shared/nanoframework)
set -eu
NF=${1:-/work/shared/nanoframework}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
MSCORLIB=$NF/packages/nanoFramework.CoreLibrary.1.17.11/lib
declare -A COUNT
for part in setup block diversify authenticate authenticate+readmac tap tap-native; do
  echo "namespace LeoCarte.Tools.DesfireOpCount { internal static class Part { public const string Name = \"$part\"; } }" > "$HERE/PartName.g.cs"
  dotnet build "$HERE/LeoCarte.DesfireOpCount.csproj" -c Release -o "$WORK/bin" -p:ExtraPart=1 -nologo -v:q > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  dotnet "$NF/mdp/nanoFramework.Tools.MetadataProcessor.dll" -loadHints mscorlib "$MSCORLIB/mscorlib.dll" \
    -parse "$WORK/bin/DesfireOpCount.dll" -compile "$WORK/DesfireOpCount.pe" false > "$WORK/mdp.log" 2>&1 || { cat "$WORK/mdp.log"; exit 1; }
  out=$("$NF/clr-opcount/nanoFramework.nanoCLR.test" "$MSCORLIB/mscorlib.pe" "$WORK/DesfireOpCount.pe" 2>&1)
  echo "$out" | grep -q "part $part ok True" || { echo "$out" | tail -5; echo "part $part did not complete"; exit 1; }
  COUNT[$part]=$(echo "$out" | grep -oE "IL opcodes executed: [0-9]+" | grep -oE "[0-9]+$")
done
rm -f "$HERE/PartName.g.cs"
s=${COUNT[setup]}
echo "IL instructions executed by nanoCLR (mscorlib 1.17.11), setup run ($s) subtracted:"
echo "  AES-128 key schedule + 1 block encryption : $(( ${COUNT[block]} - s ))"
echo "  AN10922 diversification (1 key)            : $(( ${COUNT[diversify]} - s ))"
echo "  AuthenticateEV2First, reader side          : $(( ${COUNT[authenticate]} - s ))"
echo "  ReadData command MAC + response MAC check  : $(( ${COUNT['authenticate+readmac']} - ${COUNT[authenticate]} ))"
echo "  desfire-aes tap cryptography (all three)   : $(( ${COUNT[tap]} - s ))"
echo "  the same with the device's native AES      : $(( ${COUNT[tap-native]} - s )) (AES blocks run natively; IL around the calls only)"
