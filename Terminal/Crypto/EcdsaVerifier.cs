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
    public sealed class EcdsaVerifier
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

        /// <summary>
        /// Width-w NAF of a normal-form scalar (Hankerson–Menezes–Vanstone Alg. 3.35): digits odd in ±[1, 2^(w-1)) or 0,
        /// least significant first, at most one non-zero in any w consecutive; returns the number of digits.
        /// </summary>
        private int Recode(uint[] scalar, int width, sbyte[] digits)
        {
            uint[] k = recoding;
            scalars.Copy(k, scalar);
            int limbs = scalars.Limbs;
            int windowMask = (1 << width) - 1;
            int half = 1 << (width - 1);
            int count = 0;
            int highest = limbs - 1;
            while (true)
            {
                while (highest >= 0 && k[highest] == 0)
                {
                    highest--;
                }

                if (highest < 0)
                {
                    return count;
                }

                int digit = 0;
                if ((k[0] & 1) != 0)
                {
                    digit = (int)k[0] & windowMask;
                    if (digit >= half)
                    {
                        digit -= 1 << width;

                        // k -= digit: adds |digit| (< 2^(w-1)), carrying through the limbs.
                        uint carry = (uint)(-digit);
                        for (int i = 0; i < limbs && carry != 0; i++)
                        {
                            uint sum = k[i] + carry;
                            k[i] = sum & MontgomeryField.LimbMask;
                            carry = sum >> MontgomeryField.LimbBits;
                        }

                        if (highest < limbs - 1 && k[highest + 1] != 0)
                        {
                            highest++;
                        }
                    }
                    else
                    {
                        k[0] -= (uint)digit; // the low w bits of k are digit: no borrow
                    }
                }

                digits[count++] = (sbyte)digit;

                // k >>= 1
                for (int i = 0; i < highest; i++)
                {
                    k[i] = (k[i] >> 1) | ((k[i + 1] & 1) << (MontgomeryField.LimbBits - 1));
                }

                k[highest] >>= 1;
            }
        }

        /// <summary>
        /// sum = 2·sum, Jacobian. a = -3: "dbl-2001-b" (3M + 5S), otherwise "dbl-2007-bl" (Explicit-Formulas Database,
        /// hyperelliptic.org/EFD/g1p/auto-shortw-jacobian*.html). A curve of prime order has no point of order 2, so
        /// the double of a finite point is finite.
        /// </summary>
        private void Double()
        {
            MontgomeryField f = field;
            f.Square(t1, sumZ);               // delta = Z²
            f.Square(t2, sumY);               // gamma = Y²
            f.Multiply(t3, sumX, t2);         // beta = X·gamma
            if (curve.AIsMinus3)
            {
                f.Subtract(t4, sumX, t1);
                f.Add(t5, sumX, t1);
                f.Multiply(t4, t4, t5);       // (X - delta)(X + delta) = X² - Z⁴
                f.Add(t5, t4, t4);
                f.Add(t4, t4, t5);            // alpha = 3X² - 3Z⁴
            }
            else
            {
                f.Square(t4, sumX);
                f.Add(t5, t4, t4);
                f.Add(t4, t4, t5);            // 3X²
                f.Square(t5, t1);
                f.Multiply(t5, t5, curve.A);
                f.Add(t4, t4, t5);            // alpha = 3X² + a·Z⁴
            }

            f.Add(sumZ, sumY, sumZ);
            f.Square(sumZ, sumZ);
            f.Subtract(sumZ, sumZ, t2);
            f.Subtract(sumZ, sumZ, t1);       // Z3 = (Y + Z)² - gamma - delta
            f.Add(t3, t3, t3);
            f.Add(t3, t3, t3);                // 4·beta
            f.Square(sumX, t4);
            f.Subtract(sumX, sumX, t3);
            f.Subtract(sumX, sumX, t3);       // X3 = alpha² - 8·beta
            f.Subtract(t3, t3, sumX);
            f.Multiply(t3, t4, t3);           // alpha·(4·beta - X3)
            f.Square(t2, t2);
            f.Add(t2, t2, t2);
            f.Add(t2, t2, t2);
            f.Add(t2, t2, t2);                // 8·gamma²
            f.Subtract(sumY, t3, t2);         // Y3
        }

        /// <summary>
        /// sum += (x, ±y), affine, Montgomery form: "madd-2007-bl" (7M + 4S, EFD). Handles sum at infinity, sum = the
        /// point (doubles) and sum = -point (infinity).
        /// </summary>
        private void AddAffine(uint[] x, uint[] y, bool negate)
        {
            MontgomeryField f = field;
            if (sumAtInfinity)
            {
                f.Copy(sumX, x);
                if (negate)
                {
                    f.Negate(sumY, y);
                }
                else
                {
                    f.Copy(sumY, y);
                }

                f.SetOne(sumZ);
                sumAtInfinity = false;
                return;
            }

            f.Square(t1, sumZ);               // Z1Z1
            f.Multiply(t2, x, t1);            // U2 = x·Z1Z1
            f.Multiply(t3, sumZ, t1);
            f.Multiply(t3, y, t3);            // S2 = y·Z1³
            if (negate)
            {
                f.Negate(t3, t3);
            }

            f.Subtract(t2, t2, sumX);         // H = U2 - X1
            f.Subtract(t3, t3, sumY);         // S2 - Y1
            if (f.IsZero(t2))
            {
                if (f.IsZero(t3))
                {
                    Double();
                }
                else
                {
                    sumAtInfinity = true;
                }

                return;
            }

            f.Add(t3, t3, t3);                // rr = 2(S2 - Y1)
            f.Square(t4, t2);                 // HH
            f.Add(t5, sumZ, t2);
            f.Square(t5, t5);
            f.Subtract(t5, t5, t1);
            f.Subtract(sumZ, t5, t4);         // Z3 = (Z1 + H)² - Z1Z1 - HH
            f.Add(t4, t4, t4);
            f.Add(t4, t4, t4);                // I = 4·HH
            f.Multiply(t5, t2, t4);           // J = H·I
            f.Multiply(t6, sumX, t4);         // V = X1·I
            f.Square(sumX, t3);
            f.Subtract(sumX, sumX, t5);
            f.Subtract(sumX, sumX, t6);
            f.Subtract(sumX, sumX, t6);       // X3 = rr² - J - 2V
            f.Subtract(t6, t6, sumX);
            f.Multiply(t6, t3, t6);           // rr·(V - X3)
            f.Multiply(t5, sumY, t5);
            f.Add(t5, t5, t5);                // 2·Y1·J
            f.Subtract(sumY, t6, t5);         // Y3
        }

        /// <summary>
        /// tableX/Y[i] = (2i+1)·P, affine Montgomery form, for P = (x, y) (Montgomery form, on the curve; x, y are not
        /// kept). Jacobian additions of 2P, then one inversion for all Z's (Montgomery's trick: 3(k-1) multiplications
        /// instead of k-1 inversions).
        /// </summary>
        private void FillOddMultiples(uint[] x, uint[] y, uint[][] tableX, uint[][] tableY)
        {
            MontgomeryField f = field;
            int count = tableX.Length;

            // 2P, made affine with its own inversion, is the step between odd multiples; x, y may be scratch that
            // Double and ToAffine overwrite, so P is read from tableX/Y[0] after the first copy.
            f.Copy(tableX[0], x);
            f.Copy(tableY[0], y);
            f.SetOne(tableZ[0]);
            f.Copy(sumX, tableX[0]);
            f.Copy(sumY, tableY[0]);
            f.SetOne(sumZ);
            sumAtInfinity = false;
            Double();
            ToAffine(sumX, sumY, sumZ);

            // runningProducts[0..1] are free until the batch inversion: keep 2P there, sum = P.
            uint[] stepX = runningProducts[0];
            uint[] stepY = runningProducts[1];
            f.Copy(stepX, sumX);
            f.Copy(stepY, sumY);
            f.Copy(sumX, tableX[0]);
            f.Copy(sumY, tableY[0]);
            f.SetOne(sumZ);
            for (int i = 1; i < count; i++)
            {
                AddAffine(stepX, stepY, false);
                f.Copy(tableX[i], sumX);
                f.Copy(tableY[i], sumY);
                f.Copy(tableZ[i], sumZ);
            }

            // Montgomery's trick: products c_i = Z_0···Z_i, one inversion, then each Z_i⁻¹ = c_(i-1)·(Z_0···Z_i)⁻¹.
            f.Copy(runningProducts[0], tableZ[0]);
            for (int i = 1; i < count; i++)
            {
                f.Multiply(runningProducts[i], runningProducts[i - 1], tableZ[i]);
            }

            f.Inverse(t6, runningProducts[count - 1]);
            for (int i = count - 1; i >= 0; i--)
            {
                if (i > 0)
                {
                    f.Multiply(t5, t6, runningProducts[i - 1]); // Z_i⁻¹
                    f.Multiply(t6, t6, tableZ[i]);              // (Z_0···Z_(i-1))⁻¹
                }
                else
                {
                    f.Copy(t5, t6);
                }

                f.Square(t4, t5);
                f.Multiply(tableX[i], tableX[i], t4);
                f.Multiply(t4, t4, t5);
                f.Multiply(tableY[i], tableY[i], t4);
            }
        }

        /// <summary>(X, Y, Z) → (X/Z², Y/Z³, 1) in place, one inversion. Uses t4, t5.</summary>
        private void ToAffine(uint[] x, uint[] y, uint[] z)
        {
            MontgomeryField f = field;
            f.Inverse(t5, z);
            f.Square(t4, t5);
            f.Multiply(x, x, t4);
            f.Multiply(t4, t4, t5);
            f.Multiply(y, y, t4);
            f.SetOne(z);
        }

        private uint[][] NewElements(int count)
        {
            uint[][] elements = new uint[count][];
            for (int i = 0; i < count; i++)
            {
                elements[i] = field.NewElement();
            }

            return elements;
        }
    }
}
