namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// ECDSA signature verification (FIPS 186-4 §6.4.2; SEC 1 v2 §4.1.4) on a short-Weierstrass prime curve given as
    /// data (<see cref="EcCurve"/>: NIST P-256 for the lists, secp224r1 for NXP originality signatures), for one public
    /// key set by <see cref="SetPublicKey"/>. The signature is r‖s, each <see cref="EcCurve.ScalarBytes"/> big-endian
    /// (the "IEEE P1363" form .NET's ECDsa and NXP's Read_Sig use), not DER.
    ///
    /// How: u1 = e·s⁻¹, u2 = r·s⁻¹ mod n (s⁻¹ by Fermat, Montgomery arithmetic mod n), then u1·G + u2·Q in Jacobian
    /// coordinates with interleaved width-w NAF recodings (Straus–Shamir: one chain of doublings for both scalars;
    /// Hankerson, Menezes, Vanstone, "Guide to Elliptic Curve Cryptography", Alg. 3.51): the odd multiples of G (w = 7,
    /// 32 points) are computed once per curve, those of Q (w = 5, 8 points) once per key, both converted to affine with
    /// one inversion (Montgomery's trick) so each addition is a mixed Jacobian + affine one. The final x(R) mod n = r test
    /// avoids an inversion: r·Z² = X (and (r + n)·Z² = X when r + n &lt; p).
    ///
    /// Bad input is a false result, never an exception: wrong lengths, r or s = 0 or ≥ n, a key not on the curve or
    /// with coordinates ≥ p, a sum at infinity. Everything is allocated at construction; a verification allocates
    /// nothing. Not constant-time (public data only). One instance is not thread-safe.
    /// </summary>
    public sealed partial class EcdsaVerifier
    {
        private const int GeneratorWindow = 7;
        private const int KeyWindow = 5;

        private readonly EcCurve curve;
        private readonly MontgomeryField field;
        private readonly MontgomeryField scalars;

        // The public key Q and its odd multiples (2i+1)·Q, affine, Montgomery form.
        private readonly uint[][] keyTableX;
        private readonly uint[][] keyTableY;
        private bool hasKey;

        // The running sum in Jacobian coordinates (x = X/Z², y = Y/Z³), Montgomery form.
        private readonly uint[] sumX;
        private readonly uint[] sumY;
        private readonly uint[] sumZ;
        private bool sumAtInfinity;

        private readonly uint[] t1;
        private readonly uint[] t2;
        private readonly uint[] t3;
        private readonly uint[] t4;
        private readonly uint[] t5;
        private readonly uint[] t6;

        // Scalars (normal form) and their NAF digits.
        private readonly uint[] r;
        private readonly uint[] s;
        private readonly uint[] e;
        private readonly uint[] u1;
        private readonly uint[] u2;
        private readonly uint[] recoding;
        private readonly sbyte[] naf1;
        private readonly sbyte[] naf2;

        // Batch inversion (Montgomery's trick) for the tables: products of the Z's and the tables' Jacobian coordinates.
        private readonly uint[][] tableZ;
        private readonly uint[][] runningProducts;

        private readonly Sha256 sha256;
        private readonly byte[] digest = new byte[Sha256.HashSize];

        /// <summary>
        /// Makes a verifier for <paramref name="curve"/>; the first verifier of a curve also computes the curve's table of
        /// G multiples (about 32 point additions and one field inversion).
        /// </summary>
        public EcdsaVerifier(EcCurve curve)
        {
            this.curve = curve;
            field = curve.Field;
            scalars = curve.Scalars;
            sumX = field.NewElement();
            sumY = field.NewElement();
            sumZ = field.NewElement();
            t1 = field.NewElement();
            t2 = field.NewElement();
            t3 = field.NewElement();
            t4 = field.NewElement();
            t5 = field.NewElement();
            t6 = field.NewElement();
            r = scalars.NewElement();
            s = scalars.NewElement();
            e = scalars.NewElement();
            u1 = scalars.NewElement();
            u2 = scalars.NewElement();
            recoding = scalars.NewElement();
            naf1 = new sbyte[(scalars.Limbs * MontgomeryField.LimbBits) + 1];
            naf2 = new sbyte[naf1.Length];

            // The batch-inversion scratch serves the largest table this verifier fills: G's (32 points) for the first
            // verifier of a curve, the key's (8) for the others (about 2 KB less each on P-256).
            int largest = curve.GeneratorTableX == null ? 1 << (GeneratorWindow - 2) : 1 << (KeyWindow - 2);
            tableZ = NewElements(largest);
            runningProducts = NewElements(largest);
            keyTableX = NewElements(1 << (KeyWindow - 2));
            keyTableY = NewElements(1 << (KeyWindow - 2));
            sha256 = new Sha256();

            if (curve.GeneratorTableX == null)
            {
                uint[][] x = NewElements(largest);
                uint[][] y = NewElements(largest);
                field.ToMontgomery(t5, curve.GeneratorX);
                field.ToMontgomery(t6, curve.GeneratorY);
                FillOddMultiples(t5, t6, x, y);
                curve.GeneratorTableY = y;
                curve.GeneratorTableX = x;
            }
        }

        /// <summary>The curve this verifier works on.</summary>
        public EcCurve Curve => curve;

        /// <summary>True once a valid public key has been set.</summary>
        public bool HasKey => hasKey;

        /// <summary>
        /// Sets the public key: uncompressed SEC 1 form 04‖X‖Y, or X‖Y alone, coordinates of
        /// <see cref="EcCurve.FieldBytes"/> bytes big-endian. False (and no key) when the length is wrong, a
        /// coordinate is ≥ p or the point is not on the curve (SEC 1 v2 §3.2.2.1). Computes the key's 8 odd multiples
        /// (one-off: about 10 point operations and one field inversion).
        /// </summary>
        public bool SetPublicKey(byte[] key, int offset, int count)
        {
            hasKey = false;
            int size = curve.FieldBytes;
            if (count == (2 * size) + 1)
            {
                if (key[offset] != 0x04)
                {
                    return false;
                }

                offset++;
                count--;
            }

            if (count != 2 * size)
            {
                return false;
            }

            if (!field.TryLoad(key, offset, size, t5) || !field.TryLoad(key, offset + size, size, t6))
            {
                return false;
            }

            field.ToMontgomery(t5, t5);
            field.ToMontgomery(t6, t6);
            if (!IsOnCurve(t5, t6))
            {
                return false;
            }

            FillOddMultiples(t5, t6, keyTableX, keyTableY);
            hasKey = true;
            return true;
        }

        /// <summary>
        /// Verifies signature r‖s over <paramref name="message"/> hashed with SHA-256 (the subset SHA-256: on the device,
        /// hash natively and call <see cref="VerifyHash"/>).
        /// </summary>
        public bool VerifySha256(byte[] message, int offset, int count, byte[] signature, int signatureOffset, int signatureCount)
        {
            sha256.Init();
            sha256.Update(message, offset, count);
            sha256.Final(digest, 0);
            return VerifyHash(digest, 0, digest.Length, signature, signatureOffset, signatureCount);
        }

        /// <summary>
        /// Verifies signature r‖s over a precomputed message hash (any length: the leftmost bits of n's size are used,
        /// FIPS 186-4 §6.4). False for a malformed or wrong signature, or when no key is set.
        /// </summary>
        public bool VerifyHash(byte[] hash, int hashOffset, int hashCount, byte[] signature, int signatureOffset, int signatureCount)
        {
            int size = curve.ScalarBytes;
            if (!hasKey || signatureCount != 2 * size || hashCount < 0)
            {
                return false;
            }

            // FIPS 186-4 §6.4.2 step 1: 0 < r, s < n.
            if (!scalars.TryLoad(signature, signatureOffset, size, r) || scalars.IsZero(r)
                || !scalars.TryLoad(signature, signatureOffset + size, size, s) || scalars.IsZero(s))
            {
                return false;
            }

            // Steps 2-4: e from the hash; w = s⁻¹ (Montgomery form); u1 = e·w, u2 = r·w (a Montgomery product with one
            // operand in Montgomery form gives the normal-form product).
            scalars.LoadHash(hash, hashOffset, hashCount, e);
            scalars.ToMontgomery(s, s);
            scalars.Inverse(s, s);
            scalars.Multiply(u1, e, s);
            scalars.Multiply(u2, r, s);

            // Step 5: R = u1·G + u2·Q.
            int length1 = Recode(u1, GeneratorWindow, naf1);
            int length2 = Recode(u2, KeyWindow, naf2);
            int top = length1 > length2 ? length1 : length2;
            sumAtInfinity = true;
            uint[][] gx = curve.GeneratorTableX;
            uint[][] gy = curve.GeneratorTableY;
            for (int i = top - 1; i >= 0; i--)
            {
                if (!sumAtInfinity)
                {
                    Double();
                }

                int digit = i < length1 ? naf1[i] : 0;
                if (digit > 0)
                {
                    AddAffine(gx[digit >> 1], gy[digit >> 1], false);
                }
                else if (digit < 0)
                {
                    AddAffine(gx[(-digit) >> 1], gy[(-digit) >> 1], true);
                }

                digit = i < length2 ? naf2[i] : 0;
                if (digit > 0)
                {
                    AddAffine(keyTableX[digit >> 1], keyTableY[digit >> 1], false);
                }
                else if (digit < 0)
                {
                    AddAffine(keyTableX[(-digit) >> 1], keyTableY[(-digit) >> 1], true);
                }
            }

            if (sumAtInfinity)
            {
                return false;
            }

            // Steps 6-8: x(R) mod n = r, i.e. X = c·Z² for c = r or r + n (the integers below p that are ≡ r mod n).
            field.Square(t1, sumZ);
            if (!field.TryLoad(signature, signatureOffset, size, t2))
            {
                return false;
            }

            if (MatchesX(t2))
            {
                return true;
            }

            if (curve.OrderInField == null || field.AddRaw(t2, t2, curve.OrderInField) != 0 || !field.IsBelowModulus(t2))
            {
                return false;
            }

            return MatchesX(t2);
        }

        /// <summary>True when candidate (normal form, &lt; p)·Z² = X; t1 holds Z². Uses t3.</summary>
        private bool MatchesX(uint[] candidate)
        {
            field.ToMontgomery(t3, candidate);
            field.Multiply(t3, t3, t1);
            return field.AreEqual(t3, sumX);
        }

        /// <summary>y² = x³ + a·x + b, Montgomery form. Uses t1, t2.</summary>
        private bool IsOnCurve(uint[] x, uint[] y)
        {
            field.Square(t1, x);
            field.Add(t1, t1, curve.A);
            field.Multiply(t1, t1, x);
            field.Add(t1, t1, curve.B);
            field.Square(t2, y);
            return field.AreEqual(t1, t2);
        }
    }
}
