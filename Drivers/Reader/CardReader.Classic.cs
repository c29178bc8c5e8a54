using System;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Reader
{
    /// <summary>MIFARE Classic block reads of the card resting on the reader (WUPA, select by UID, authenticate, READ, HLTA).</summary>
    public sealed partial class CardReader
    {
        /// <summary>
        /// Reads one MIFARE Classic block of the card reported by the last NewCard while it rests on the reader:
        /// WUPA, select by UID, authenticate, READ, HLTA, and Crypto1 off whatever happened. Never throws.
        /// </summary>
        public ReaderResult ReadClassicBlock(MifareKeyType keyType, byte[] key, int block, byte[] destination, int offset)
        {
            if (!cardPresent)
            {
                return ReaderResult.Timeout;
            }

            try
            {
                // A card kept ACTIVE after its poll would take the WUPA as an unexpected frame: halt it first.
                ParkCard();
                ReaderResult result = picc.WakeUpA(probe);
                if (result == ReaderResult.Ok)
                {
                    result = picc.SelectKnownUid(current);
                }

                if (result == ReaderResult.Ok)
                {
                    result = classic.Authenticate(keyType, block, key, 0, current);
                }

                if (result == ReaderResult.Ok)
                {
                    result = classic.ReadBlock(block, destination, offset);
                }

                if (result == ReaderResult.Ok)
                {
                    picc.Halt();
                }

                classic.EndSession();
                if (result != ReaderResult.Ok)
                {
                    // A MIFARE card halts on HLTA after Crypto1 is off too; a failed read must not leave it ACTIVE*.
                    Park(false);
                }

                return result;
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
                return ReaderResult.ChipFault;
            }
        }
    }
}
