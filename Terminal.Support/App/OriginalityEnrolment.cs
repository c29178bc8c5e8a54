using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The card office's side of the originality check: at enrolment (or when a card passes the office), the signature
    /// the card answered to Read_Sig is verified against NXP's keys — on the office machine or the gateway, where an
    /// ECDSA verification costs milliseconds — and only then its digest goes into the list entry, so terminals compare
    /// instead of verifying (<see cref="OriginalityCheck"/>, hardware/security.md).
    /// </summary>
    public static class OriginalityEnrolment
    {
        /// <summary>
        /// The list digest of <paramref name="signature"/> when it is a genuine signature of <paramref name="uid"/> by
        /// one of <paramref name="originality"/>'s keys; 0 (= no digest: the terminal falls back to its own background
        /// verification) when it is not.
        /// </summary>
        public static uint DigestIfGenuine(NxpOriginality originality, IMessageHasher hasher, byte[] uid, byte[] signature)
        {
            if (uid == null || signature == null
                || originality.Verify(uid, 0, uid.Length, signature, 0, signature.Length) < 0)
            {
                return 0;
            }

            return OriginalityCheck.Digest(hasher, signature, 0, new byte[32]);
        }
    }
}
