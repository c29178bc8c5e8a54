using System;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// The cards an attacker brings to the terminal, for the tests of the desfire-aes policy and of the card-type checks:
    /// a "magic" MIFARE Classic or an Ultralight programmed with a genuine DESFire's 7-byte UID (they answer with their own
    /// ATQA/SAK and no ISO/IEC 14443-4), a DESFire (or emulator) with the copied UID, the same ATS and application layout
    /// but not the keys, optionally replaying the genuine card's originality signature.
    /// </summary>
    public static class CloneCards
    {
        /// <summary>A MIFARE Classic 1K "magic" card (block 0 writable) carrying the genuine card's UID: ATQA 0044h, SAK 08h.</summary>
        public static ClassicCard MagicClassic(DesfireCard genuine) => VirtualCard.Classic1K(genuine.RealUid);

        /// <summary>A MIFARE Ultralight (or NTAG/magic Ultralight) with the genuine card's UID: ATQA 0044h, SAK 00h.</summary>
        public static UltralightCard Ultralight(DesfireCard genuine) => VirtualCard.Ultralight(genuine.RealUid);

        /// <summary>
        /// A DESFire with the genuine card's UID, ATS, applications and files (content copied: the attacker read what was
        /// readable) but keys it does not know (random). <paramref name="replaySignature"/> copies the 56-byte originality
        /// signature too: Read_Sig then answers exactly what the genuine card answers.
        /// </summary>
        public static DesfireCard DesfireWithCopiedUid(DesfireCard genuine, bool replaySignature, int seed = 7)
        {
            var random = new Random(seed);
            var clone = VirtualCard.Desfire(genuine.RealUid);
            clone.Ats = (byte[])genuine.Ats.Clone();
            foreach (var app in genuine.Applications)
            {
                var copy = clone.AddApplication(app.Aid);
                for (int k = 0; k < app.Keys.Length; k++)
                {
                    if (app.Keys[k] == null)
                    {
                        continue;
                    }

                    copy.Keys[k] = new byte[16];
                    random.NextBytes(copy.Keys[k]);
                }

                foreach (var file in app.Files)
                {
                    copy.Files[file.Key] = new DesfireCard.DataFile { Data = (byte[])file.Value.Data.Clone(), CommMode = file.Value.CommMode, ReadKey = file.Value.ReadKey };
                }
            }

            // Not replayed: the emulator answers Read_Sig with zeros (it has no manufacturer signature over this UID).
            clone.OriginalitySignature = replaySignature ? (byte[])genuine.OriginalitySignature.Clone() : new byte[56];

            return clone;
        }

        /// <summary>
        /// A DESFire with the genuine card's UID (and layout, no keys) answering Read_Sig with another genuine card's
        /// signature: a valid NXP signature, but over another UID (what an attacker has who read a different card).
        /// </summary>
        public static DesfireCard DesfireWithForeignSignature(DesfireCard genuine, DesfireCard other)
        {
            var clone = DesfireWithCopiedUid(genuine, replaySignature: false, seed: 19);
            clone.OriginalitySignature = (byte[])other.OriginalitySignature.Clone();
            return clone;
        }

        /// <summary>A DESFire (or emulator) with the genuine card's UID and layout that does not implement Read_Sig (answers 1Ch).</summary>
        public static DesfireCard DesfireWithoutReadSig(DesfireCard genuine)
        {
            var clone = DesfireWithCopiedUid(genuine, replaySignature: false, seed: 23);
            clone.AnswersReadSig = false;
            return clone;
        }

        /// <summary>ATS of a Chinese UID-changeable "Gen4" magic card (GTU/GDM family) as shipped: TL 09, T0 78, TA 00,
        /// TB 91, TC 02, historical DA BC 19 10 (proxmark3 `hf 14a info` of such cards prints the CRC_A F0 05 after them;
        /// the simulated card appends its own CRC_A, so it is not part of these bytes: TL = 09 counts 9 bytes). Its ATQA and SAK can be
        /// set to DESFire's; the ATS keeps these bytes unless the attacker reprograms it too.</summary>
        public static readonly byte[] Gen4MagicAts = { 0x09, 0x78, 0x00, 0x91, 0x02, 0xDA, 0xBC, 0x19, 0x10 };

        /// <summary>ATS of a JCOP JavaCard (JCOP31 v2.4.1: T0 78, TA 77, TB B1, TC 02, historical "JCOPv241"), the base of the
        /// JavaCard DESFire-emulation applets.</summary>
        public static readonly byte[] JcopAts = { 0x0D, 0x78, 0x77, 0xB1, 0x02, 0x4A, 0x43, 0x4F, 0x50, 0x76, 0x32, 0x34, 0x31 };

        /// <summary>
        /// A UID-changeable 7-byte ISO 14443-4 "magic" card set up as the genuine card: UID, ATQA 0344h, SAK 20h, the
        /// application layout and file content copied, no keys; but its ATS is its own (<see cref="Gen4MagicAts"/>).
        /// </summary>
        public static DesfireCard MagicDesfireEmulator(DesfireCard genuine)
        {
            var clone = DesfireWithCopiedUid(genuine, replaySignature: true, seed: 11);
            clone.Ats = (byte[])Gen4MagicAts.Clone();
            return clone;
        }

        /// <summary>A JavaCard (JCOP) with a changeable UID running a DESFire-emulation applet: UID, ATQA and SAK copied,
        /// the JCOP ATS (<see cref="JcopAts"/>).</summary>
        public static DesfireCard JavaCardDesfireEmulator(DesfireCard genuine)
        {
            var clone = DesfireWithCopiedUid(genuine, replaySignature: false, seed: 13);
            clone.Ats = (byte[])JcopAts.Clone();
            return clone;
        }

        /// <summary>A card that answers the genuine UID with a single-size ATQA (0304h): the ATQA's UID-size bits
        /// contradict the 7 bytes the anticollision finds, which no genuine card does.</summary>
        public static DesfireCard DesfireWithInconsistentAtqa(DesfireCard genuine)
        {
            var clone = DesfireWithCopiedUid(genuine, replaySignature: true, seed: 17);
            clone.ForceAtqa(0x0304);
            return clone;
        }
    }
}
