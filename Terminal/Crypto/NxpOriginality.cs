namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// NXP originality signature of MIFARE DESFire EV2/EV3 (and DESFire Light, NTAG 424 DNA): 56 bytes r‖s that Read_Sig
    /// (3Ch, argument 00h) returns, ECDSA over secp224r1 with "NONE hashing" — the 7-byte UID itself is the value e
    /// (NXP AN12343 §11.2 "Originality Signature Verification", signature encoding IEEE P1363; AN11350 for the NTAG
    /// scheme it extends). Written NXP keeps per product; <see cref="Verify"/> tries each configured key and returns which
    /// one signed.
    /// An interpreted verification costs millions of IL instructions (about 20 s per key on nanoCLR at the cost model's
    /// 2.06 µs each before the written-out arithmetic; README's figures table has the current figure): it runs on the
    /// background path (<c>App/OriginalityCheck</c>), never in the tap. Allocation: all at construction.
    /// </summary>
    public sealed class NxpOriginality
    {
        public const int SignatureLength = 56;
        public const int UidLength = 7;

        /// <summary>
        /// NXP's published DESFire-family originality public keys (uncompressed SEC 1, secp224r1), as RfidResearchGroup
        /// proxmark3 lists them (client/src/crypto/originality.c, manufacturer_public_keys, PK_MFDES) with their sources:
        /// DESFire EV3; DESFire EV2 / NTAG 424 DNA / DESFire Light EV2; DESFire EV2 (AN12196); DESFire EV2 XL; DESFire
        /// Light (AN12343 p. 87); DESFire EV1 / NTAG 413 DNA. EV1 chips older than 2018 have no Read_Sig.
        /// </summary>
        public static readonly string[] DesfireKeyNames = new string[]
        {
            "DESFire EV3",
            "DESFire EV2 / NTAG 424 DNA / DESFire Light EV2",
            "DESFire EV2 / NTAG 424 DNA (AN12196)",
            "DESFire EV2 XL",
            "DESFire Light (AN12343)",
            "DESFire EV1 / NTAG 413 DNA",
        };

        public static readonly string[] DesfireKeys = new string[]
        {
            "041db46c145d0a36539c6544bd6d9b0aa62ff91ec48cbc6abae36e0089a46f0d08c8a715ea40a63313b92e90ddc1730230e0458a33276fb743",
            "04b304dc4c615f5326fe9383ddec9aa892df3a57fa7ffb3276192bc0eaa252ed45a865e3b093a3d0dce5be29e92f1392ce7de321e3e5c52b3a",
            "048a9b380af2ee1b98dc417fecc263f8449c7625cece82d9b916c992da209d68422b81ec20b65a66b5102a61596af3379200599316a00a1410",
            "04cd5d45e50b1502f0ba4656ff37669597e7e183251150f9574cc8da56bf01c7abe019e29fea48f9ce22c3ea4029a765e1bc95a89543bad1bc",
            "040e98e117aaa36457f43173dc920a8757267f44ce4ec5add3c54075571aebbf7b942a9774a1d94ad02572427e5ae0a2dd36591b1fb34fcf3d",
            "04bb5d514f7050025c7d0f397310360eec91eaf792e96fc7e0f496cb4e669d414f877b7b27901fe67c2e3b33cd39d1c797715189ac951c2add",
        };

        private readonly EcdsaVerifier[] verifiers;
        private int count;

        /// <summary>Room for <paramref name="capacity"/> keys on one secp224r1 curve (its G table is shared).</summary>
        public NxpOriginality(int capacity)
        {
            EcCurve curve = EcCurve.Secp224r1();
            verifiers = new EcdsaVerifier[capacity];
            for (int i = 0; i < capacity; i++)
            {
                verifiers[i] = new EcdsaVerifier(curve);
            }
        }

        /// <summary>A verifier with NXP's DESFire keys above (construction: about 7 key setups on the sync thread).</summary>
        public static NxpOriginality WithNxpDesfireKeys(int extraCapacity)
        {
            NxpOriginality originality = new NxpOriginality(DesfireKeys.Length + extraCapacity);
            for (int i = 0; i < DesfireKeys.Length; i++)
            {
                originality.AddKey(DesfireKeys[i]);
            }

            return originality;
        }

        /// <summary>Keys held.</summary>
        public int KeyCount => count;

        /// <summary>Adds a public key (04‖X‖Y, 57 bytes); false when full or not a secp224r1 point.</summary>
        public bool AddKey(byte[] key, int offset, int length)
        {
            if (count >= verifiers.Length || !verifiers[count].SetPublicKey(key, offset, length))
            {
                return false;
            }

            count++;
            return true;
        }

        /// <summary>Adds a public key given in hex (configuration, constants).</summary>
        public bool AddKey(string hex)
        {
            if (hex == null || (hex.Length & 1) != 0)
            {
                return false;
            }

            byte[] key = new byte[hex.Length / 2];
            for (int i = 0; i < key.Length; i++)
            {
                int high = Nibble(hex[2 * i]);
                int low = Nibble(hex[(2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return false;
                }

                key[i] = (byte)((high << 4) | low);
            }

            return AddKey(key, 0, key.Length);
        }

        /// <summary>
        /// The index of the key whose signature over <paramref name="uid"/> (7 bytes) <paramref name="signature"/>
        /// (56 bytes) is, or -1: not signed by any key held (a clone's garbage, an all-zero answer, a wrong length).
        /// Costs one ECDSA verification per key tried.
        /// </summary>
        public int Verify(byte[] uid, int uidOffset, int uidLength, byte[] signature, int signatureOffset, int signatureLength)
        {
            if (uidLength != UidLength || signatureLength != SignatureLength)
            {
                return -1;
            }

            for (int i = 0; i < count; i++)
            {
                // "NONE hashing": the UID is passed as the hash; 7 bytes < 224 bits, so e = the UID as an integer.
                if (verifiers[i].VerifyHash(uid, uidOffset, uidLength, signature, signatureOffset, signatureLength))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>True when key <paramref name="index"/> signed the 7-byte UID with the 56-byte signature (one verification).</summary>
        public bool VerifyOne(int index, byte[] uid, byte[] signature)
        {
            return index >= 0 && index < count
                && verifiers[index].VerifyHash(uid, 0, UidLength, signature, 0, SignatureLength);
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

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }
    }
}
