using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The DESFire originality signature (Read_Sig) checked without an ECDSA verification in the tap: an interpreted
    /// secp224r1 verification costs millions of IL instructions (seconds on the ESP32, README figures), so the tap only
    /// compares, and the verification runs on the sync thread.
    /// <list type="bullet">
    /// <item>Fast path — the list carries a digest of the card's genuine signature (the card office read and verified
    /// it at enrolment, with .NET's native ECDSA): the tap computes <see cref="Digest"/> of the signature the card
    /// answers (one HMAC-SHA256, native on the device) and compares. Equal → genuine; different → not genuine.</item>
    /// <item>Otherwise — a per-terminal memory of verdicts (UID + CRC-32 of the signature): a card seen before gets its
    /// verdict; an unseen one is queued (one slot, a newer tap replaces an unverified older one) and is
    /// <see cref="Unverified"/> for this tap: the policy decides (the DESFire policy engineer's wiring: approve by
    /// the list and journal it as unverified, or refuse). <see cref="VerifyPending"/> on the sync thread verifies it
    /// against NXP's keys and remembers the verdict for the next tap.</item>
    /// </list>
    /// What it stops and what it does not (hardware/security.md): a UID-only clone (magic Classic/Ultralight,
    /// emulator with a copied UID) cannot answer the genuine signature; the signature is static, so a clone that
    /// replays it passes — only desfire-aes authentication stops that.
    /// Threads: <see cref="OnTap"/> from the tap loop, <see cref="VerifyPending"/> from the sync thread; they share
    /// the queue slot and the verdict table under one lock, never held during an ECDSA verification.
    /// Allocation: all at construction.
    /// </summary>
    public sealed class OriginalityCheck
    {
        public const int Unverified = 0;
        public const int Genuine = 1;
        public const int NotGenuine = 2;

        /// <summary>HMAC key of the list digest: a public constant, HMAC is used as a hash the device computes natively.</summary>
        public static readonly byte[] DigestKey = new byte[]
        {
            (byte)'L', (byte)'e', (byte)'o', (byte)'C', (byte)'a', (byte)'r', (byte)'t', (byte)'e', (byte)' ', (byte)'o',
            (byte)'r', (byte)'i', (byte)'g', (byte)'i', (byte)'n', (byte)'a', (byte)'l', (byte)'i', (byte)'t', (byte)'y',
        };

        private const int UidLength = NxpOriginality.UidLength;
        private const int SignatureLength = NxpOriginality.SignatureLength;

        private readonly NxpOriginality originality;
        private readonly IMessageHasher hasher;
        private readonly object gate = new object();
        private readonly byte[] digestOutput = new byte[32];

        // Verdicts: UID, CRC-32 of the signature, verdict, in a ring.
        private readonly byte[] knownUids;
        private readonly uint[] knownSignatureCrcs;
        private readonly byte[] knownVerdicts;
        private int knownCount;
        private int nextKnown;

        // The one card waiting for verification, and the copy the sync thread verifies outside the lock.
        private readonly byte[] pendingUid = new byte[UidLength];
        private readonly byte[] pendingSignature = new byte[SignatureLength];
        private uint pendingCrc;
        private bool hasPending;
        private readonly byte[] workUid = new byte[UidLength];
        private readonly byte[] workSignature = new byte[SignatureLength];
        private int lastKeyMatched;

        /// <summary>Cards verified genuine, refused as not genuine, tapped unverified; verifications run.</summary>
        public int GenuineCount;
        public int NotGenuineCount;
        public int UnverifiedCount;
        public int VerificationsRun;

        public OriginalityCheck(NxpOriginality originality, IMessageHasher hasher, int capacity)
        {
            this.originality = originality;
            this.hasher = hasher;
            knownUids = new byte[capacity * UidLength];
            knownSignatureCrcs = new uint[capacity];
            knownVerdicts = new byte[capacity];
        }

        /// <summary>True when a card waits for <see cref="VerifyPending"/>.</summary>
        public bool HasPending
        {
            get
            {
                lock (gate)
                {
                    return hasPending;
                }
            }
        }

        /// <summary>
        /// The list's digest of a genuine signature: the first 4 bytes, big-endian, of HMAC-SHA256(<see cref="DigestKey"/>,
        /// signature). The gateway computes it at enrolment from the signature it verified; 0 is never produced (a 0
        /// result becomes 1) so 0 can mean "no digest".
        /// </summary>
        public static uint Digest(IMessageHasher hasher, byte[] signature, int offset, byte[] output32)
        {
            hasher.HmacSha256(DigestKey, signature, offset, SignatureLength, output32);
            uint digest = ((uint)output32[0] << 24) | ((uint)output32[1] << 16) | ((uint)output32[2] << 8) | output32[3];
            return digest == 0 ? 1u : digest;
        }

        /// <summary>
        /// The tap's check, no ECDSA: the card's UID (7 bytes) and Read_Sig answer (56 bytes), and the list entry's
        /// digest (0 = the entry has none). Returns <see cref="Genuine"/>, <see cref="NotGenuine"/> or
        /// <see cref="Unverified"/> (queued for the sync thread).
        /// </summary>
        public int OnTap(byte[] uid, int uidOffset, byte[] signature, int signatureOffset, uint listDigest)
        {
            if (listDigest != 0)
            {
                int verdict = Digest(hasher, signature, signatureOffset, digestOutput) == listDigest ? Genuine : NotGenuine;
                Count(verdict);
                return verdict;
            }

            uint crc = Crc32.Compute(signature, signatureOffset, SignatureLength);
            lock (gate)
            {
                int index = Find(uid, uidOffset, crc);
                if (index >= 0)
                {
                    int verdict = knownVerdicts[index];
                    Count(verdict);
                    return verdict;
                }

                System.Array.Copy(uid, uidOffset, pendingUid, 0, UidLength);
                System.Array.Copy(signature, signatureOffset, pendingSignature, 0, SignatureLength);
                pendingCrc = crc;
                hasPending = true;
            }

            UnverifiedCount++;
            return Unverified;
        }

        /// <summary>
        /// The sync thread's step: verifies the waiting card (one ECDSA per NXP key tried, the key that matched last
        /// first) and remembers the verdict. False when nothing was waiting.
        /// </summary>
        public bool VerifyPending()
        {
            uint crc;
            lock (gate)
            {
                if (!hasPending)
                {
                    return false;
                }

                System.Array.Copy(pendingUid, workUid, UidLength);
                System.Array.Copy(pendingSignature, workSignature, SignatureLength);
                crc = pendingCrc;
                hasPending = false;
            }

            int key = VerifyWithLastKeyFirst();
            VerificationsRun++;
            lock (gate)
            {
                Remember(workUid, 0, crc, key >= 0 ? Genuine : NotGenuine);
            }

            return true;
        }

        /// <summary>The remembered verdict for this UID and signature, <see cref="Unverified"/> when none.</summary>
        public int VerdictOf(byte[] uid, int uidOffset, byte[] signature, int signatureOffset)
        {
            uint crc = Crc32.Compute(signature, signatureOffset, SignatureLength);
            lock (gate)
            {
                int index = Find(uid, uidOffset, crc);
                return index >= 0 ? knownVerdicts[index] : Unverified;
            }
        }

        private int VerifyWithLastKeyFirst()
        {
            int first = lastKeyMatched;
            if (first < originality.KeyCount && originality.VerifyOne(first, workUid, workSignature))
            {
                return first;
            }

            for (int i = 0; i < originality.KeyCount; i++)
            {
                if (i != first && originality.VerifyOne(i, workUid, workSignature))
                {
                    lastKeyMatched = i;
                    return i;
                }
            }

            return -1;
        }

        private void Count(int verdict)
        {
            if (verdict == Genuine)
            {
                GenuineCount++;
            }
            else if (verdict == NotGenuine)
            {
                NotGenuineCount++;
            }
        }

        private int Find(byte[] uid, int uidOffset, uint crc)
        {
            for (int i = 0; i < knownCount; i++)
            {
                if (knownSignatureCrcs[i] != crc)
                {
                    continue;
                }

                int at = i * UidLength;
                bool same = true;
                for (int j = 0; j < UidLength; j++)
                {
                    if (knownUids[at + j] != uid[uidOffset + j])
                    {
                        same = false;
                        break;
                    }
                }

                if (same)
                {
                    return i;
                }
            }

            return -1;
        }

        private void Remember(byte[] uid, int uidOffset, uint crc, int verdict)
        {
            int index = Find(uid, uidOffset, crc);
            if (index < 0)
            {
                index = nextKnown;
                nextKnown = (nextKnown + 1) % knownVerdicts.Length;
                if (knownCount < knownVerdicts.Length)
                {
                    knownCount++;
                }
            }

            System.Array.Copy(uid, uidOffset, knownUids, index * UidLength, UidLength);
            knownSignatureCrcs[index] = crc;
            knownVerdicts[index] = (byte)verdict;
        }
    }
}
