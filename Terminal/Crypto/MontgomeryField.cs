namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// Arithmetic modulo an odd prime of at most 261 bits, in Montgomery form (x·R mod m, R = 2^(29·limbs)), for the
    /// ECDSA verifier: the field of a curve (mod p) and its scalars (mod n). An element is a uint[] of
    /// <see cref="Limbs"/> limbs of 29 bits, least significant first, always fully reduced (&lt; m), so equal
    /// values have equal limbs.
    /// Why 29-bit limbs: a product of two limbs is below 2^58, so one ulong column accumulator takes the 2·limbs
    /// products of a Montgomery column (≤ 18·2^58 &lt; 2^63) without carry handling between them — far fewer IL
    /// instructions on nanoCLR's interpreter than 32-bit limbs with a carry per product.
    /// Multiplication is the product-scanning (FIPS) form of Montgomery multiplication (Koç, Acar, Kaliski,
    /// "Analyzing and comparing Montgomery multiplication algorithms", IEEE Micro 1996).
    /// Scratch buffers are allocated at construction: no operation allocates. Not constant-time: the verifier
    /// only handles public data (signature, public key, hash).
    /// </summary>
    public sealed partial class MontgomeryField
    {
        public const int LimbBits = 29;
        public const uint LimbMask = (1u << LimbBits) - 1;
        public const int MaxBits = 261;

        private readonly uint[] modulus;
        private readonly uint inverseOfLowLimb; // -m^-1 mod 2^29
        private readonly uint[] rSquared;        // R² mod m, to enter Montgomery form
        private readonly uint[] one;             // 1 in normal form, to leave it
        private readonly uint[] montgomeryOne;   // R mod m
        private readonly uint[] exponentForInverse; // m - 2 (Fermat)
        private readonly uint[] product;         // Multiply writes here first: the result may alias an operand
        private readonly uint[] quotientDigits;  // the Montgomery quotient digits of one multiplication
        private readonly uint[][] powers;        // a^1..a^15 for the 4-bit window of Inverse
        private readonly int bitLength;

        /// <summary>Limbs per element: ceil(bits/29).</summary>
        public readonly int Limbs;

        /// <summary>Makes the arithmetic modulo <paramref name="modulusBigEndian"/> (odd, &gt; 2, at most 261 bits).</summary>
        public MontgomeryField(byte[] modulusBigEndian)
        {
            bitLength = BitLengthOf(modulusBigEndian);
            Limbs = (bitLength + LimbBits - 1) / LimbBits;
            modulus = new uint[Limbs];
            LoadBigEndian(modulusBigEndian, 0, modulusBigEndian.Length, modulus);

            // Newton's iteration for m^-1 mod 2^32 (each step doubles the correct low bits: 1 → 32 after 5).
            uint low = modulus[0];
            uint inverse = 1;
            for (int i = 0; i < 5; i++)
            {
                inverse *= 2 - (low * inverse);
            }

            inverseOfLowLimb = (0u - inverse) & LimbMask;

            product = new uint[Limbs];
            quotientDigits = new uint[Limbs];
            one = NewElement();
            one[0] = 1;

            // R mod m and R² mod m by doubling 1 modulo m: 29·limbs and 2·29·limbs times (construction only).
            montgomeryOne = NewElement();
            montgomeryOne[0] = 1;
            for (int i = 0; i < LimbBits * Limbs; i++)
            {
                Add(montgomeryOne, montgomeryOne, montgomeryOne);
            }

            rSquared = NewElement();
            Copy(rSquared, montgomeryOne);
            for (int i = 0; i < LimbBits * Limbs; i++)
            {
                Add(rSquared, rSquared, rSquared);
            }

            exponentForInverse = NewElement();
            uint[] two = NewElement();
            two[0] = 2;
            SubtractRaw(exponentForInverse, modulus, two);

            powers = new uint[16][];
            for (int i = 1; i < 16; i++)
            {
                powers[i] = NewElement();
            }
        }

        /// <summary>Bits of the modulus.</summary>
        public int BitLength => bitLength;

        /// <summary>A zero element of this field (allocates: construction time only).</summary>
        public uint[] NewElement()
        {
            return new uint[Limbs];
        }

        /// <summary>
        /// Reads a big-endian unsigned integer into <paramref name="element"/> in normal (not Montgomery) form. False when
        /// it is not below the modulus (then the element holds garbage).
        /// </summary>
        public bool TryLoad(byte[] bytes, int offset, int count, uint[] element)
        {
            return LoadBigEndian(bytes, offset, count, element) && IsBelowModulus(element);
        }

        /// <summary>Writes a normal-form element as <paramref name="count"/> big-endian bytes.</summary>
        public void Store(uint[] element, byte[] bytes, int offset, int count)
        {
            int limb = 0;
            int bit = 0;
            for (int i = offset + count - 1; i >= offset; i--)
            {
                uint value = limb < Limbs ? element[limb] >> bit : 0;
                if (bit + 8 > LimbBits && limb + 1 < Limbs)
                {
                    value |= element[limb + 1] << (LimbBits - bit);
                }

                bytes[i] = (byte)value;
                bit += 8;
                if (bit >= LimbBits)
                {
                    bit -= LimbBits;
                    limb++;
                }
            }
        }

        /// <summary>True when the element (any form) is below the modulus.</summary>
        public bool IsBelowModulus(uint[] element)
        {
            for (int i = Limbs - 1; i >= 0; i--)
            {
                if (element[i] != modulus[i])
                {
                    return element[i] < modulus[i];
                }
            }

            return false;
        }

        /// <summary>Big-endian bytes → 29-bit limbs; false when the value needs more than <see cref="Limbs"/> limbs.</summary>
        private bool LoadBigEndian(byte[] bytes, int offset, int count, uint[] element)
        {
            for (int i = 0; i < Limbs; i++)
            {
                element[i] = 0;
            }

            int limb = 0;
            int bit = 0;
            for (int i = offset + count - 1; i >= offset; i--)
            {
                uint value = bytes[i];
                if (value == 0)
                {
                    // nothing to place; only the position moves
                }
                else if (limb >= Limbs)
                {
                    return false;
                }
                else
                {
                    element[limb] |= (value << bit) & LimbMask;
                    if (bit + 8 > LimbBits)
                    {
                        if (limb + 1 >= Limbs)
                        {
                            if ((value >> (LimbBits - bit)) != 0)
                            {
                                return false;
                            }
                        }
                        else
                        {
                            element[limb + 1] |= value >> (LimbBits - bit);
                        }
                    }
                }

                bit += 8;
                if (bit >= LimbBits)
                {
                    bit -= LimbBits;
                    limb++;
                }
            }

            return true;
        }

        private static int BitLengthOf(byte[] bigEndian)
        {
            for (int i = 0; i < bigEndian.Length; i++)
            {
                if (bigEndian[i] != 0)
                {
                    int bits = (bigEndian.Length - i - 1) * 8;
                    int top = bigEndian[i];
                    while (top != 0)
                    {
                        bits++;
                        top >>= 1;
                    }

                    return bits;
                }
            }

            return 0;
        }
    }
}
