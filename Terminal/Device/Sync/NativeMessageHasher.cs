using System.Security.Cryptography;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Device.Sync
{
    /// <summary>
    /// The request signer's hashes on the ESP32: HMAC-SHA256 (RFC 2104) by nanoFramework's native
    /// <c>HMACSHA256.HashData</c> (nanoFramework.System.Security.Cryptography 1.0.43, mbedTLS in the firmware: the
    /// interpreter runs a handful of IL instructions instead of ≈ 18,000 per 64-byte block of the portable code).
    /// SHA-256 of the body stays on the portable code (Terminal/Crypto): the package has no SHA-256.
    ///
    /// It is also the list download's MAC function (Allowlist/ListTrust): the list format (FORMAT.md, "Integrity")
    /// is made of one-shot MACs — one per 4 KB chunk and one over header and manifest — precisely so that this
    /// native, one-shot API can verify a snapshot (Tools/SyncBenchmark prints the cost). The firmware must carry the native part
    /// of 1.0.43 (checksum 0x1A1CC3FD: nf-interpreter builds since 2026-02-26), or the deployment is refused.
    ///
    /// Allocates the exact-length message copy and the 32-byte result per call (a few requests a minute on the
    /// sync thread, never on the tap path).
    /// </summary>
    public sealed class NativeMessageHasher : IMessageHasher
    {
        public void Sha256(byte[] data, int offset, int count, byte[] output)
        {
            Crypto.Sha256.Hash(data, offset, count, output, 0);
        }

        public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
        {
            // The native call takes a whole byte[]: a list chunk of full size is passed as it is (no copy); a part
            // of an array (a request's canonical text, the last chunk of a list) is copied to an exact-length array.
            byte[] message = data;
            if (offset != 0 || count != data.Length)
            {
                message = new byte[count];
                System.Array.Copy(data, offset, message, 0, count);
            }

            byte[] tag = HMACSHA256.HashData(key, message);
            System.Array.Copy(tag, 0, output, 0, 32);
        }
    }
}
