namespace LeoCarte.Terminal.Crypto
{
    // EcdsaVerifier, part: the point arithmetic: wNAF recoding, Jacobian doubling, mixed addition, tables of
    // odd multiples, back to affine.
    public sealed partial class EcdsaVerifier
    {
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
