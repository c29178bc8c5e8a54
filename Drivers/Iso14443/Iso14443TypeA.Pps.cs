using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>
    /// Protocol and Parameter Selection (ISO/IEC 14443-4 §5.6.2–5.6.3): right after the ATS the reader may ask the card
    /// for a higher bit rate. Request: PPSS (D0h | CID), PPS0 11h (PPS1 follows), PPS1 = DSI &lt;&lt; 2 | DRI (DS: card to
    /// reader, DR: reader to card; 0 = 106, 1 = 212, 2 = 424, 3 = 848 kbit/s). The card answers PPSS at the old rate
    /// and both switch; the rate lasts until the card is deselected or halted. The ATS's TA(1) says which divisors the
    /// card supports (§5.2.4: bits 7..5 DS 8/4/2, bits 3..1 DR 8/4/2, bit 8 set = same divisor both ways only).
    /// </summary>
    public sealed partial class Iso14443TypeA
    {
        public const byte Ppss = 0xD0;

        /// <summary>True when the ATS allows divisor index <paramref name="divisorIndex"/> (1..3) in both directions.</summary>
        public static bool AtsSupportsBitRate(AtsInfo ats, int divisorIndex)
        {
            if (!ats.Valid || !ats.HasTa || divisorIndex < 1 || divisorIndex > 3)
            {
                return false;
            }

            int bit = 1 << (divisorIndex - 1);
            return (ats.Ta & (bit << 4)) != 0 && (ats.Ta & bit) != 0;
        }

        /// <summary>
        /// Sends PPS for divisor index <paramref name="divisorIndex"/> both ways (CID 0, as RATS used) and, when the card
        /// confirms with PPSS, switches the chip to that rate. Any other outcome leaves the chip at its rate: Timeout, Crc,
        /// Protocol ... The caller then cannot know whether the card switched (its answer may be what was lost) and must
        /// deselect it at both rates (<see cref="DeselectAtEitherRate"/>).
        /// </summary>
        public ReaderResult RequestPps(int divisorIndex)
        {
            if (!chip.hardwareCrc)
            {
                chip.SetHardwareCrc(true);
            }

            frame[0] = Ppss;
            frame[1] = 0x11;
            frame[2] = (byte)((divisorIndex << 2) | divisorIndex);
            ReaderResult result = chip.TransceiveFrame(frame, 0, 3, 0x00, options.MediumTimeoutTicks, answer, 0, answer.Length);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (chip.responseLength < 1 || answer[0] != Ppss || chip.responseLastBits != 0)
            {
                return ReaderResult.Protocol;
            }

            chip.SetBitRate(divisorIndex);
            return ReaderResult.Ok;
        }

        /// <summary>
        /// After a PPS whose answer was lost: S(DESELECT) at the requested rate (the card switched if it answered), then at
        /// 106 kbit/s (it did not); the chip is left at 106. Ok when one of them was acknowledged.
        /// </summary>
        public ReaderResult DeselectAtEitherRate(int divisorIndex)
        {
            chip.SetBitRate(divisorIndex);
            ReaderResult high = DeselectCard();
            chip.SetBitRate(0);
            if (high == ReaderResult.Ok || high == ReaderResult.ChipFault)
            {
                return high;
            }

            return DeselectCard();
        }
    }
}
