#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Desfire;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>
    /// The IL-saving shortcuts of the DESFire cryptography against the plain computation they replace: the written-out
    /// 16-byte block operations (<see cref="AesBlock"/>) against loops, the CMAC paths (zero-IV first block, masked last
    /// block shared by two MACs, chained IV) against a CBC-MAC written step by step, and the AN10922 master-key cache
    /// against a fresh diversifier whenever the master key changes (another key, the same buffer overwritten, Forget).
    /// Run on .NET and on nanoCLR.
    /// </summary>
    [TestClass]
    public class DesfireCryptoShortcutTests
    {
        [TestMethod]
        public void WrittenOutBlockOperationsEqualTheLoops()
        {
            byte[] a = Pattern(40, 7);
            byte[] b = Pattern(16, 91);
            for (int offset = 0; offset <= 24; offset += 3)
            {
                byte[] target = Pattern(16, 200 + offset);
                byte[] expected = Pattern(16, 200 + offset);
                AesBlock.Xor(target, a, offset);
                for (int i = 0; i < 16; i++)
                {
                    expected[i] ^= a[offset + i];
                }

                CollectionAssert.AreEqual(expected, target, "Xor at " + offset.ToString());

                AesBlock.Xor2(target, a, offset, b);
                for (int i = 0; i < 16; i++)
                {
                    expected[i] ^= (byte)(a[offset + i] ^ b[i]);
                }

                CollectionAssert.AreEqual(expected, target, "Xor2 at " + offset.ToString());

                AesBlock.XorInto(target, a, offset, b);
                for (int i = 0; i < 16; i++)
                {
                    expected[i] = (byte)(a[offset + i] ^ b[i]);
                }

                CollectionAssert.AreEqual(expected, target, "XorInto at " + offset.ToString());

                byte[] wide = Pattern(40, 3);
                byte[] wideExpected = Pattern(40, 3);
                AesBlock.XorAt(wide, offset, b, 0);
                for (int i = 0; i < 16; i++)
                {
                    wideExpected[offset + i] ^= b[i];
                }

                CollectionAssert.AreEqual(wideExpected, wide, "XorAt " + offset.ToString());
            }
        }

        [TestMethod]
        public void Ev2FirstRefusesAnAnswerWithAnyByteOfRndAPrimeChanged()
        {
            // The card's answer built here (E(K, TI || RndA' || PDcap2 || PCDcap2), CBC from IV 0) with one byte of RndA'
            // changed at each of the 16 positions: every one refused; the right one accepted.
            byte[] key = Pattern(16, 11);
            byte[] rndA = Pattern(16, 77);
            byte[] rndB = Pattern(16, 140);
            Aes128 card = new Aes128();
            card.SetKey(key, 0);
            byte[] encryptedRndB = new byte[16];
            card.Encrypt(rndB, 0, encryptedRndB, 0);
            for (int flip = -1; flip < 16; flip++)
            {
                DesfireSession session = new DesfireSession(new Aes128(), new Aes128(), new Aes128());
                byte[] answer = new byte[32];
                session.BeginAuthentication(key, 0, rndA, 0, encryptedRndB, 0, answer, 0);
                byte[] plain = new byte[32];
                plain[0] = 0x12; plain[1] = 0x34; plain[2] = 0x56; plain[3] = 0x78; // TI
                for (int i = 0; i < 16; i++)
                {
                    plain[4 + i] = rndA[(i + 1) & 15];
                }

                if (flip >= 0)
                {
                    plain[4 + flip] ^= 0x01;
                }

                byte[] cardAnswer = new byte[32];
                card.EncryptCbc(new byte[16], plain, 0, 32, cardAnswer, 0);
                Assert.AreEqual(flip < 0, session.CompleteAuthentication(cardAnswer, 0), "RndA' byte changed: " + flip.ToString());
                Assert.AreEqual(flip < 0, session.Authenticated);
            }
        }

        [TestMethod]
        public void DoublingTwiceInOnePassEqualsTwoDoublings()
        {
            // K2 = L·x² straight from L (AesCmac when K1 is not needed): every combination of the two top bits.
            for (int seed = 0; seed < 40; seed++)
            {
                byte[] input = Pattern(16, seed * 53);
                input[0] = (byte)((input[0] & 0x3F) | ((seed & 3) << 6));
                byte[] once = new byte[16];
                byte[] twice = new byte[16];
                byte[] direct = new byte[16];
                AesBlock.Double(input, once);
                AesBlock.Double(once, twice);
                AesBlock.DoubleTwice(input, direct);
                CollectionAssert.AreEqual(twice, direct, "seed " + seed.ToString());
            }
        }

        [TestMethod]
        public void DoublingEqualsTheShiftWithReduction()
        {
            for (int seed = 0; seed < 20; seed++)
            {
                byte[] input = Pattern(16, seed * 37);
                byte[] output = new byte[16];
                AesBlock.Double(input, output);
                int carry = 0;
                byte[] expected = new byte[16];
                for (int i = 15; i >= 0; i--)
                {
                    expected[i] = (byte)((input[i] << 1) | carry);
                    carry = input[i] >> 7;
                }

                if (carry != 0)
                {
                    expected[15] ^= 0x87;
                }

                CollectionAssert.AreEqual(expected, output, "seed " + seed.ToString());
            }
        }

        [TestMethod]
        public void CmacPathsEqualAStepByStepCbcMac()
        {
            byte[] key = Pattern(16, 11);
            byte[] message = Pattern(80, 5);
            AesCmac cmac = new AesCmac(new Aes128());
            cmac.SetKey(key, 0);
            Aes128 aes = new Aes128();
            aes.SetKey(key, 0);
            byte[] k1 = new byte[16];
            byte[] k2 = new byte[16];
            cmac.CopySubkey(1, k1, 0);
            cmac.CopySubkey(2, k2, 0);
            byte[] mac = new byte[16];
            for (int offset = 0; offset <= 5; offset += 5)
            {
                for (int length = 0; length <= 64; length++)
                {
                    byte[] zero = new byte[16];
                    cmac.Compute(message, offset, length, mac, 0);
                    CollectionAssert.AreEqual(ReferenceCmac(aes, k1, k2, zero, message, offset, length), mac, "length " + length.ToString() + " at " + offset.ToString());

                    byte[] iv = Pattern(16, length + 100);
                    byte[] expected = ReferenceCmac(aes, k1, k2, iv, message, offset, length);
                    cmac.ComputeChained(iv, message, offset, length, mac, 0);
                    CollectionAssert.AreEqual(expected, mac, "chained, length " + length.ToString());
                    CollectionAssert.AreEqual(expected, iv, "chained IV = the CMAC");
                }
            }

            // Two MACs sharing a masked second block (the EV2 session vectors) = the plain 32-byte CMAC.
            byte[] masked = new byte[16];
            cmac.MaskLastBlock(message, 16, 16, masked);
            byte[] shared = new byte[16];
            cmac.ComputeTwoBlocks(message, 0, masked, shared, 0);
            cmac.Compute(message, 0, 32, mac, 0);
            CollectionAssert.AreEqual(mac, shared);
        }

        [TestMethod]
        public void DiversificationCacheFollowsTheMasterKey()
        {
            byte[] uid = { 0x04, 0x78, 0x2E, 0x21, 0x80, 0x1D, 0x80 };
            byte[] aid = { 0x30, 0x42, 0xF5 };
            byte[] systemId = { 0x4E, 0x58, 0x50, 0x20, 0x41, 0x62, 0x75 };
            byte[] masterA = Pattern(16, 1);
            byte[] masterB = Pattern(16, 2);
            KeyDiversification cached = new KeyDiversification(new Aes128());
            byte[] key = new byte[16];

            Assert.IsTrue(cached.Diversify(masterA, 0, uid, 7, aid, 0, systemId, 7, key, 0));
            CollectionAssert.AreEqual(Fresh(masterA, uid, aid, systemId), key, "first card");
            uid[3] ^= 0x5A;
            Assert.IsTrue(cached.Diversify(masterA, 0, uid, 7, aid, 0, systemId, 7, key, 0));
            CollectionAssert.AreEqual(Fresh(masterA, uid, aid, systemId), key, "second card, same master key");
            Assert.AreEqual(1, cached.MasterKeySetups, "the master key was set up once");

            Assert.IsTrue(cached.Diversify(masterB, 0, uid, 7, aid, 0, systemId, 7, key, 0));
            CollectionAssert.AreEqual(Fresh(masterB, uid, aid, systemId), key, "another master key (rotation)");
            Assert.AreEqual(2, cached.MasterKeySetups);

            // The same buffer overwritten in place: compared by content, so set up again.
            masterB[15] ^= 0x01;
            Assert.IsTrue(cached.Diversify(masterB, 0, uid, 7, aid, 0, systemId, 7, key, 0));
            CollectionAssert.AreEqual(Fresh(masterB, uid, aid, systemId), key, "master key changed in the same buffer");
            masterB[0] ^= 0x80;
            Assert.IsTrue(cached.Diversify(masterB, 0, uid, 7, aid, 0, systemId, 7, key, 0));
            CollectionAssert.AreEqual(Fresh(masterB, uid, aid, systemId), key, "first byte changed");
            Assert.AreEqual(4, cached.MasterKeySetups);

            // A 32-byte input (K1, no padding) with the cached key, then Forget.
            byte[] longId = Pattern(21, 9);
            Assert.IsTrue(cached.Diversify(masterB, 0, uid, 7, aid, 0, longId, 21, key, 0));
            CollectionAssert.AreEqual(Fresh(masterB, uid, aid, longId), key, "unpadded input");
            cached.Forget();
            Assert.IsTrue(cached.Diversify(masterB, 0, uid, 7, aid, 0, systemId, 7, key, 0));
            CollectionAssert.AreEqual(Fresh(masterB, uid, aid, systemId), key, "after Forget");
            Assert.AreEqual(5, cached.MasterKeySetups);

            // A master key at an offset, then back to the first key.
            byte[] shifted = new byte[20];
            System.Array.Copy(masterA, 0, shifted, 4, 16);
            Assert.IsTrue(cached.Diversify(shifted, 4, uid, 7, aid, 0, systemId, 7, key, 0));
            CollectionAssert.AreEqual(Fresh(masterA, uid, aid, systemId), key, "master key at offset 4");
        }

        [TestMethod]
        public void EncryptionKeyDerivedOnFirstUseMatchesAn12196WhateverCiphersAreShared()
        {
            // SesAuthENCKey is derived when CommMode.Full data first needs it: the AN12196 WriteData ciphertext must come
            // out the same with distinct ciphers, with K and the MAC key on one cipher object (then it is derived at
            // once), with K and the encryption key on one, and after a MAC-only command came first.
            Aes128 shared = new Aes128();
            Aes128 other = new Aes128();
            DesfireSession[] sessions =
            {
                new DesfireSession(new Aes128(), new Aes128(), new Aes128()),
                new DesfireSession(shared, new Aes128(), shared),
                new DesfireSession(other, other, new Aes128()),
            };
            for (int s = 0; s < sessions.Length; s++)
            {
                DesfireSession session = sessions[s];
                byte[] answer = new byte[32];
                session.BeginAuthentication(new byte[16], 0, HexText.Parse("b98f4c50cf1c2e084fd150e33992b048"), 0, HexText.Parse("b875ceb0e66a6c5cd00898dc371f92d1"), 0, answer, 0);
                Assert.IsTrue(session.CompleteAuthentication(HexText.Parse("0cc9a8094a8eea683ecaac5c7bf20584206d0608d477110fc6b3d5d3f65c3a6a"), 0), "session " + s.ToString());
                byte[] data = new byte[16];
                byte[] plain = HexText.Parse("0102030405060708090a");
                System.Array.Copy(plain, 0, data, 0, plain.Length);
                Assert.AreEqual(16, session.EncryptCommandData(data, 0, 10));
                Assert.AreEqual("6b5e6804909962fc4e3ff5522cf0f843", HexText.Format(data), "session " + s.ToString());
                byte[] mac = new byte[8];
                Assert.IsTrue(session.CommandMac(0x8D, HexText.Parse("030000000a0000"), 0, 7, data, 0, 16, mac, 0));
                Assert.AreEqual("6c0c53315b9c73aa", HexText.Format(mac), "session " + s.ToString());
            }
        }

        private static byte[] Fresh(byte[] master, byte[] uid, byte[] aid, byte[] systemId)
        {
            byte[] key = new byte[16];
            new KeyDiversification(new Aes128()).Diversify(master, 0, uid, uid.Length, aid, 0, systemId, systemId.Length, key, 0);
            return key;
        }

        /// <summary>SP 800-38B §6.2 step by step: CBC from <paramref name="iv"/> over every block, the last one padded and
        /// XORed with its subkey, one AES call per block and no shortcut.</summary>
        private static byte[] ReferenceCmac(Aes128 aes, byte[] k1, byte[] k2, byte[] iv, byte[] message, int offset, int length)
        {
            int blocks = length == 0 ? 1 : (length + 15) / 16;
            bool complete = length > 0 && length % 16 == 0;
            byte[] chain = new byte[16];
            System.Array.Copy(iv, 0, chain, 0, 16);
            for (int b = 0; b < blocks; b++)
            {
                for (int i = 0; i < 16; i++)
                {
                    int at = b * 16 + i;
                    byte m = at < length ? message[offset + at] : (at == length ? (byte)0x80 : (byte)0);
                    if (b == blocks - 1)
                    {
                        m ^= complete ? k1[i] : k2[i];
                    }

                    chain[i] ^= m;
                }

                aes.Encrypt(chain, 0, chain, 0);
            }

            return chain;
        }

        private static byte[] Pattern(int length, int seed)
        {
            byte[] bytes = new byte[length];
            int x = seed * 2654435 + 12345;
            for (int i = 0; i < length; i++)
            {
                x = x * 1103515245 + 12345;
                bytes[i] = (byte)(x >> 16);
            }

            return bytes;
        }
    }
}
