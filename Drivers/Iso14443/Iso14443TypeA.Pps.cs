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
                if ((uint)(divisorIndex - 1) <= 2)
                {
                    return RequestPpsSoftwareCrc(divisorIndex);
                }

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

        // ---------------------------------------------------------------- RATS and PPS with the chip's CRC off
        // The anticollision leaves the chip's CRC off (TxModeReg/RxModeReg CRC bits, §9.3.2.3/4). Switching it on for RATS
        // costs two writes, and PPS then writes both registers again for the new rate. So while it is off, RATS and PPS go
        // out with their CRC_A appended here and the answers' CRC_A is checked here (ISO/IEC 14443-3 §6.2.4 requires it on
        // every frame but REQA/WUPA and anticollision), and the switch to the session rate turns the chip's CRC on in the
        // same two writes (Mfrc522Chip.SetSessionModes): 2 transfers fewer per session. The frames are fixed, so their
        // CRC_A is computed once; so is the CRC_A of DESFire's factory ATS, the answer nearly every tap gets.

        private static readonly byte[] DesfireFactoryAts = new byte[] { DesfireAts.Tl, DesfireAts.T0, DesfireAts.Ta1, DesfireAts.Tb1, DesfireAts.Tc1, DesfireAts.Historical };
        private static readonly int DesfireFactoryAtsCrc = CrcA.Compute(DesfireFactoryAts, 0, DesfireFactoryAts.Length);

        // PPSS's answer as received with the chip's CRC off: D0h and its CRC_A.
        private static readonly int PpssCrc = CrcA.Compute(new byte[] { Ppss }, 0, 1);

        // RATS (E0h, FSDI 5 / CID 0) with its CRC_A; the PPS request with its CRC_A for divisor index 1, 2, 3 (index 0
        // unused): all built by the constructor (BuildSoftwareCrcFrames).
        private readonly byte[] ratsFrameWithCrc = new byte[] { Rats, RatsParameter, 0x00, 0x00 };
        private readonly byte[][] ppsFramesWithCrc = new byte[4][];

        private void BuildSoftwareCrcFrames()
        {
            CrcA.Append(ratsFrameWithCrc, 0, 2);
            for (int divisor = 1; divisor <= 3; divisor++)
            {
                byte[] request = new byte[] { Ppss, 0x11, (byte)((divisor << 2) | divisor), 0x00, 0x00 };
                CrcA.Append(request, 0, 3);
                ppsFramesWithCrc[divisor] = request;
            }
        }

        /// <summary>RATS with the chip's CRC off: the frame's CRC_A sent, the answer's checked here first (Crc when it does not
        /// match, as the chip would say: noise is never taken for a malformed ATS), then its TL and the ATS as
        /// <see cref="RequestAts"/> does (Protocol). The chip's CRC stays off.</summary>
        private ReaderResult RequestAtsSoftwareCrc(AtsInfo ats)
        {
            ReaderResult result = chip.TransceiveFrame(ratsFrameWithCrc, 0, 4, 0x00, options.MediumTimeoutTicks, answer, 0, answer.Length);
            if (result == ReaderResult.Ok)
            {
                byte[] a = answer;
                int length = chip.responseLength;
                bool crcGood = length == 8 && a[0] == DesfireAts.Tl && a[1] == DesfireAts.T0 && a[2] == DesfireAts.Ta1 && a[3] == DesfireAts.Tb1
                    && a[4] == DesfireAts.Tc1 && a[5] == DesfireAts.Historical
                    ? a[6] == (byte)DesfireFactoryAtsCrc && a[7] == (byte)(DesfireFactoryAtsCrc >> 8)
                    : CrcA.Check(a, 0, length);
                if (!crcGood)
                {
                    ats.Clear();
                    return ReaderResult.Crc;
                }

                // As RequestAts with the chip's CRC: the ATS with or without two more bytes before the frame's CRC_A (a
                // card that sends its ATS's CRC_A as data, as the simulator's Gen4 clone does), the same frames accepted.
                int tl = a[0];
                int data = length - 2;
                if ((tl == data || tl + 2 == data) && chip.responseLastBits == 0)
                {
                    return ats.Parse(a, 0, tl) ? ReaderResult.Ok : ReaderResult.Protocol;
                }

                result = ReaderResult.Protocol;
            }

            ats.Clear();
            return result;
        }

        /// <summary>PPS with the chip's CRC off (after <see cref="RequestAtsSoftwareCrc"/>): the request's CRC_A sent, the
        /// answer must be PPSS with its CRC_A (Crc when the CRC_A does not match, Protocol for another frame); then the chip
        /// goes to the new rate with its CRC on, in the same writes.</summary>
        private ReaderResult RequestPpsSoftwareCrc(int divisorIndex)
        {
            ReaderResult result = chip.TransceiveFrame(ppsFramesWithCrc[divisorIndex], 0, 5, 0x00, options.MediumTimeoutTicks, answer, 0, answer.Length);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            byte[] a = answer;
            int length = chip.responseLength;
            if (length == 3 && a[0] == Ppss && a[1] == (byte)PpssCrc && a[2] == (byte)(PpssCrc >> 8) && chip.responseLastBits == 0)
            {
                chip.SetSessionModes(divisorIndex);
                return ReaderResult.Ok;
            }

            return CrcA.Check(a, 0, length) ? ReaderResult.Protocol : ReaderResult.Crc;
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
