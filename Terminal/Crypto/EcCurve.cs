namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// A short-Weierstrass prime curve y² = x³ + a·x + b over GF(p) with a base point G of prime order n and cofactor 1,
    /// given as data (big-endian parameters), with its two arithmetics (mod p, mod n) and the odd multiples of G the
    /// verifier adds (computed once, on first use). Supports p and n of at most 256 bits. Cofactor 1 is assumed: a
    /// point on such a curve other than infinity has order n, so a public key needs only the on-curve check
    /// (SEC 1 v2 §3.2.2.1 step 3 is implied).
    /// </summary>
    public sealed class EcCurve
    {
        /// <summary>Bytes of a field element (x or y) and of a scalar (r or s).</summary>
        public readonly int FieldBytes;
        public readonly int ScalarBytes;
        public readonly string Name;
        public readonly MontgomeryField Field;
        public readonly MontgomeryField Scalars;

        /// <summary>a and b in Montgomery form; a = -3 takes the cheaper doubling formula.</summary>
        internal readonly uint[] A;
        internal readonly uint[] B;
        internal readonly bool AIsMinus3;

        /// <summary>G in normal form (affine), and n in the field's limbs (for the x mod n check; null when n &gt; p).</summary>
        internal readonly uint[] GeneratorX;
        internal readonly uint[] GeneratorY;
        internal readonly uint[] OrderInField;

        /// <summary>(2i+1)·G, affine, Montgomery form, filled by the first verifier (EcdsaVerifier.GeneratorWindow).</summary>
        internal uint[][] GeneratorTableX;
        internal uint[][] GeneratorTableY;

        /// <summary>
        /// Makes a curve from its parameters, hex big-endian (SEC 2 / FIPS 186-4 Appendix D notation without spaces). The
        /// parameters are trusted (constants of the firmware): they are not validated beyond their sizes.
        /// </summary>
        public EcCurve(string name, string p, string a, string b, string gx, string gy, string n)
        {
            Name = name;
            byte[] pBytes = FromHex(p);
            byte[] nBytes = FromHex(n);
            FieldBytes = pBytes.Length;
            ScalarBytes = nBytes.Length;
            Field = new MontgomeryField(pBytes);
            Scalars = new MontgomeryField(nBytes);

            A = LoadMontgomery(a);
            B = LoadMontgomery(b);
            uint[] minusThree = Field.NewElement();
            uint[] three = Field.NewElement();
            three[0] = 3;
            Field.ToMontgomery(three, three);
            Field.Negate(minusThree, three);
            AIsMinus3 = Field.AreEqual(A, minusThree);

            GeneratorX = Field.NewElement();
            GeneratorY = Field.NewElement();
            byte[] bytes = FromHex(gx);
            Field.TryLoad(bytes, 0, bytes.Length, GeneratorX);
            bytes = FromHex(gy);
            Field.TryLoad(bytes, 0, bytes.Length, GeneratorY);
            OrderInField = Field.NewElement();
            if (!Field.TryLoad(nBytes, 0, nBytes.Length, OrderInField))
            {
                OrderInField = null;
            }
        }

        /// <summary>NIST P-256 = secp256r1 (FIPS 186-4 Appendix D.1.2.3; SEC 2 v2 §2.4.2): the list signatures.</summary>
        public static EcCurve NistP256()
        {
            return new EcCurve(
                "P-256",
                "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
                "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
                "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
                "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
                "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
                "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        }

        /// <summary>
        /// secp224r1 = NIST P-224 (FIPS 186-4 Appendix D.1.2.2; SEC 2 v2 §2.3.2): NXP's originality signatures of
        /// MIFARE DESFire EV2/EV3 and NTAG.
        /// </summary>
        public static EcCurve Secp224r1()
        {
            return new EcCurve(
                "secp224r1",
                "ffffffffffffffffffffffffffffffff000000000000000000000001",
                "fffffffffffffffffffffffffffffffefffffffffffffffffffffffe",
                "b4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4",
                "b70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21",
                "bd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34",
                "ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d");
        }

        private uint[] LoadMontgomery(string hex)
        {
            byte[] bytes = FromHex(hex);
            uint[] element = Field.NewElement();
            Field.TryLoad(bytes, 0, bytes.Length, element);
            Field.ToMontgomery(element, element);
            return element;
        }

        /// <summary>Hex (lowercase or uppercase, even length) → bytes; the curve constants only.</summary>
        private static byte[] FromHex(string hex)
        {
            byte[] bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[(2 * i) + 1]));
            }

            return bytes;
        }

        private static int Nibble(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            return c - 'A' + 10;
        }
    }
}
