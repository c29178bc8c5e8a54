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
    }
}
