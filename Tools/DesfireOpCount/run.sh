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
for part in setup block diversify diversify2 authenticate authenticate+readmac tap native-setup native-diversify native-diversify2 native-authenticate native-authenticate+readmac; do
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
n=${COUNT[native-setup]}
echo "IL instructions executed by nanoCLR (mscorlib 1.17.11), setup run subtracted ($s subset AES, $n native stand-in):"
echo "  AES-128 key schedule + 1 block encryption      : $(( ${COUNT[block]} - s ))"
echo "                                                    subset AES   native AES"
printf "  AN10922 diversification, first card          : %9d   %9d  (master key set up: CMAC subkeys)\n" $(( ${COUNT[diversify]} - s )) $(( ${COUNT[native-diversify]} - n ))
printf "  AN10922 diversification, next cards          : %9d   %9d  (subkeys cached: every tap after the first)\n" $(( ${COUNT[diversify2]} - ${COUNT[diversify]} )) $(( ${COUNT[native-diversify2]} - ${COUNT[native-diversify]} ))
printf "  AuthenticateEV2First, reader side            : %9d   %9d\n" $(( ${COUNT[authenticate]} - s )) $(( ${COUNT[native-authenticate]} - n ))
printf "  ReadData command MAC + response MAC check    : %9d   %9d\n" $(( ${COUNT['authenticate+readmac']} - ${COUNT[authenticate]} )) $(( ${COUNT['native-authenticate+readmac']} - ${COUNT[native-authenticate]} ))
printf "  desfire-aes tap cryptography, a first card   : %9d   %9d\n" $(( ${COUNT[tap]} - s )) $(( ${COUNT[native-diversify]} - n + ${COUNT['native-authenticate+readmac']} - n ))
printf "  desfire-aes tap cryptography, next cards     : %9d   %9d  (native: AES blocks run natively, IL around the calls only)\n" $(( ${COUNT[tap]} - s - ${COUNT[diversify]} + ${COUNT[diversify2]} - ${COUNT[diversify]} + s )) $(( ${COUNT[native-diversify2]} - ${COUNT[native-diversify]} + ${COUNT['native-authenticate+readmac']} - n ))
