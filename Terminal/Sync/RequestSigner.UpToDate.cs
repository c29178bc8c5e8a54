using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// The gateway's signed "up to date" answer (Gateway/API.md, "GET list", 204): X-LeoCarte-Proof =
    /// lowercase hex HMAC-SHA256(terminal secret, "LCUP\n" id "\n" database "\n" version "\n" time "\n" nonce),
    /// database and nonce as 16 lowercase hex digits, version and time (X-LeoCarte-Time) in decimal. The terminal
    /// checks it with its own id, database identity, version and the nonce it sent in this request: a replayed
    /// or forged 204 does not reset the list's staleness. It is a MAC under the terminal's own secret, not an
    /// ECDSA signature, so that a confirmation every minute costs one native HMAC on the device, not a P-256
    /// verification; a stolen terminal can only forge its own confirmations.
    /// </summary>
    public sealed partial class RequestSigner
    {
        public const string ProofHeader = "X-LeoCarte-Proof";
        private readonly byte[] proof = new byte[32];

        /// <summary>True when <paramref name="proofHex"/> is the gateway's proof for exactly these values.</summary>
        public bool VerifyUpToDate(string proofHex, string gatewayTime, long databaseId, long version, long nonce)
        {
            // The time is bound as sent (digits), or as empty when the answer carried none.
            if (gatewayTime == null)
            {
                gatewayTime = "";
            }

            if (proofHex == null || proofHex.Length != 64 || (gatewayTime.Length > 0 && Ascii.ParseNonNegative(gatewayTime) < 0))
            {
                return false;
            }

            for (int i = 0; i < 32; i++)
            {
                int high = HexDigits.ValueOf(proofHex[2 * i]);
                int low = HexDigits.ValueOf(proofHex[(2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return false;
                }

                proof[i] = (byte)((high << 4) | low);
            }

            int p = Ascii.Write("LCUP\n", canonical, 0);
            p = Ascii.Write(terminalId, canonical, p);
            p = NewLine(p);
            p = Ascii.Write(Hex16(databaseId), canonical, p);
            p = NewLine(p);
            p = Ascii.WriteInt64(version, canonical, p);
            p = NewLine(p);
            p = Ascii.Write(gatewayTime, canonical, p);
            p = NewLine(p);
            p = Ascii.Write(Hex16(nonce), canonical, p);
            if (p < 0)
            {
                return false;
            }

            hasher.HmacSha256(secret, canonical, 0, p, digest);
            return FixedTime.AreEqual(digest, 0, proof, 0, 32);
        }

        /// <summary>16 lowercase hex digits of a 64-bit value (database identities and nonces in the API).</summary>
        public static string Hex16(long value)
        {
            byte[] bytes = new byte[8];
            BigEndian.WriteInt64(bytes, 0, value);
            return Ascii.ToHex(bytes, 0, 8);
        }
    }
}
