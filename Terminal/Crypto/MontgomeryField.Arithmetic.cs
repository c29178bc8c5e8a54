namespace LeoCarte.Terminal.Crypto
{
    // MontgomeryField, part: arithmetic in Montgomery form (multiply, square, add, subtract, negate, invert,
    // compare, raw limb helpers); the written-out 8- and 9-limb forms are in MontgomeryField.Unrolled.cs.
    public sealed partial class MontgomeryField
    {
        /// <summary>result = a·R mod m (normal → Montgomery form); result may be a.</summary>
        public void ToMontgomery(uint[] result, uint[] a)
        {
            Multiply(result, a, rSquared);
        }

        /// <summary>result = a·R⁻¹ mod m (Montgomery → normal form); result may be a.</summary>
        public void FromMontgomery(uint[] result, uint[] a)
        {
            Multiply(result, a, one);
        }

        /// <summary>result = 1 in Montgomery form.</summary>
        public void SetOne(uint[] result)
        {
            Copy(result, montgomeryOne);
        }

        /// <summary>
        /// Montgomery product: result = a·b·R⁻¹ mod m, for a, b &lt; m. result may alias a or b. Product scanning: column
        /// k of a·b + q·m is summed in one ulong; the low 29 bits of the first <see cref="Limbs"/> columns choose the
        /// quotient digit q_k that clears them, the next columns are the result (&lt; 2m, one conditional subtraction).
        /// </summary>
        public void Multiply(uint[] result, uint[] a, uint[] b)
        {
            // Written out for the two curves' sizes (MontgomeryField.Unrolled.cs): about a third of the IL instructions.
            if (Limbs == 9)
            {
                Multiply9(result, a, b);
                return;
            }

            if (Limbs == 8)
            {
                Multiply8(result, a, b);
                return;
            }

            MultiplyByLoops(result, a, b);
        }

        /// <summary>The same product as <see cref="Multiply"/>, with loops: any number of limbs.</summary>
        public void MultiplyByLoops(uint[] result, uint[] a, uint[] b)
        {
            int limbs = Limbs;
            uint[] m = modulus;
            uint[] q = quotientDigits;
            ulong column = 0;
            for (int k = 0; k < limbs; k++)
            {
                for (int i = 0; i < k; i++)
                {
                    column += ((ulong)a[i] * b[k - i]) + ((ulong)q[i] * m[k - i]);
                }

                column += (ulong)a[k] * b[0];
                uint digit = ((uint)column * inverseOfLowLimb) & LimbMask;
                q[k] = digit;
                column = (column + ((ulong)digit * m[0])) >> LimbBits;
            }

            uint[] t = product;
            for (int k = limbs; k < (2 * limbs) - 1; k++)
            {
                for (int i = k - limbs + 1; i < limbs; i++)
                {
                    column += ((ulong)a[i] * b[k - i]) + ((ulong)q[i] * m[k - i]);
                }

                t[k - limbs] = (uint)column & LimbMask;
                column >>= LimbBits;
            }

            t[limbs - 1] = (uint)column;
            ReduceOnce(result, t);
        }

        /// <summary>result = a² (Montgomery); result may be a.</summary>
        public void Square(uint[] result, uint[] a)
        {
            if (Limbs == 9)
            {
                Square9(result, a);
                return;
            }

            if (Limbs == 8)
            {
                Square8(result, a);
                return;
            }

            MultiplyByLoops(result, a, a);
        }

        /// <summary>result = a + b mod m; any aliasing.</summary>
        public void Add(uint[] result, uint[] a, uint[] b)
        {
            if (Limbs == 9)
            {
                Add9(result, a, b);
                return;
            }

            if (Limbs == 8)
            {
                Add8(result, a, b);
                return;
            }

            uint carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                uint sum = a[i] + b[i] + carry;
                result[i] = sum & LimbMask;
                carry = sum >> LimbBits;
            }

            // a + b < 2m < 2^(29·limbs) (m ≤ 261 bits), so the top carry is always 0 here.
            ReduceOnce(result, result);
        }

        /// <summary>result = a - b mod m; any aliasing.</summary>
        public void Subtract(uint[] result, uint[] a, uint[] b)
        {
            if (Limbs == 9)
            {
                Subtract9(result, a, b);
                return;
            }

            if (Limbs == 8)
            {
                Subtract8(result, a, b);
                return;
            }

            if (SubtractRaw(result, a, b) != 0)
            {
                uint carry = 0;
                for (int i = 0; i < Limbs; i++)
                {
                    uint sum = result[i] + modulus[i] + carry;
                    result[i] = sum & LimbMask;
                    carry = sum >> LimbBits;
                }
            }
        }

        /// <summary>result = -a mod m; any aliasing.</summary>
        public void Negate(uint[] result, uint[] a)
        {
            if (IsZero(a))
            {
                Copy(result, a);
                return;
            }

            SubtractRaw(result, modulus, a);
        }

        /// <summary>
        /// result = a⁻¹ (Montgomery form in, Montgomery form out) by Fermat's little theorem, a^(m-2), with a 4-bit
        /// fixed window: about bits squarings + bits/4 multiplications. a must not be 0 (0 gives 0). result may be a.
        /// </summary>
        public void Inverse(uint[] result, uint[] a)
        {
            Copy(powers[1], a);
            for (int i = 2; i < 16; i++)
            {
                Multiply(powers[i], powers[i - 1], a);
            }

            bool started = false;
            int top = ((bitLength + 3) / 4) - 1;
            for (int window = top; window >= 0; window--)
            {
                if (started)
                {
                    Square(result, result);
                    Square(result, result);
                    Square(result, result);
                    Square(result, result);
                }

                int digit = (int)BitsAt(exponentForInverse, window * 4, 4);
                if (digit != 0)
                {
                    if (started)
                    {
                        Multiply(result, result, powers[digit]);
                    }
                    else
                    {
                        Copy(result, powers[digit]);
                        started = true;
                    }
                }
            }
        }

        /// <summary>True when every limb is zero.</summary>
        public bool IsZero(uint[] a)
        {
            for (int i = 0; i < Limbs; i++)
            {
                if (a[i] != 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>True when a and b hold the same value (both fully reduced, same form).</summary>
        public bool AreEqual(uint[] a, uint[] b)
        {
            for (int i = 0; i < Limbs; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>result = a.</summary>
        public void Copy(uint[] result, uint[] a)
        {
            for (int i = 0; i < Limbs; i++)
            {
                result[i] = a[i];
            }
        }

        /// <summary><paramref name="count"/> (≤ 29) bits of a normal-form value starting at bit <paramref name="position"/>.</summary>
        public uint BitsAt(uint[] a, int position, int count)
        {
            int limb = position / LimbBits;
            int shift = position - (limb * LimbBits);
            if (limb >= Limbs)
            {
                return 0;
            }

            uint value = a[limb] >> shift;
            if (shift + count > LimbBits && limb + 1 < Limbs)
            {
                value |= a[limb + 1] << (LimbBits - shift);
            }

            return value & ((1u << count) - 1);
        }

        /// <summary>
        /// Loads a message hash as the integer e of FIPS 186-4 §6.4 (ECDSA): the leftmost min(bits of m, 8·count) bits
        /// of the hash, reduced modulo m (one subtraction: the value is below 2^bits &lt; 2m). Normal form.
        /// </summary>
        public void LoadHash(byte[] hash, int offset, int count, uint[] element)
        {
            int used = (bitLength + 7) / 8;
            if (used > count)
            {
                used = count;
            }

            LoadBigEndian(hash, offset, used, element);
            int excess = (used * 8) - bitLength;
            if (excess > 0)
            {
                for (int i = 0; i < Limbs; i++)
                {
                    uint next = i + 1 < Limbs ? element[i + 1] : 0;
                    element[i] = ((element[i] >> excess) | (next << (LimbBits - excess))) & LimbMask;
                }
            }

            ReduceOnce(element, element);
        }

        /// <summary>result = a + b as integers (no reduction); returns the carry out of the top limb.</summary>
        public uint AddRaw(uint[] result, uint[] a, uint[] b)
        {
            uint carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                uint sum = a[i] + b[i] + carry;
                result[i] = sum & LimbMask;
                carry = sum >> LimbBits;
            }

            return carry;
        }

        /// <summary>result = a - b without reduction; returns the final borrow (1 when a &lt; b).</summary>
        private uint SubtractRaw(uint[] result, uint[] a, uint[] b)
        {
            uint borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                uint difference = a[i] - b[i] - borrow;
                result[i] = difference & LimbMask;
                borrow = difference >> 31;
            }

            return borrow;
        }

        /// <summary>result = t - m when t ≥ m, else t (t &lt; 2m).</summary>
        private void ReduceOnce(uint[] result, uint[] t)
        {
            if (IsBelowModulus(t))
            {
                if (result != t)
                {
                    Copy(result, t);
                }

                return;
            }

            SubtractRaw(result, t, modulus);
        }
    }
}
