using System;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// MIFARE Ultralight (MF0ICU1): 16 pages of 4 bytes, READ (30h, 4 pages, wrapping at the end),
    /// WRITE (A2h, one page, 4-bit ACK) and COMPATIBILITY WRITE (A0h, MF0ICU1 §9.4: the MIFARE Classic WRITE
    /// frame sequence, address then 16 data bytes, of which only the first 4 are written to the page).
    /// Pages 0–1 (UID) and 2 (lock bytes, not enforced) are read-only here.
    /// </summary>
    public sealed class UltralightCard : VirtualCard
    {
        public const byte CommandWrite = 0xA2;
        public const byte CommandCompatibilityWrite = 0xA0;

        private readonly byte[] _pages = new byte[16 * 4];
        private int _pendingCompatibilityPage = -1;

        internal UltralightCard(byte[] uid7)
            : base(uid7, 0x0044, 0x00, "MIFARE Ultralight")
        {
            if (uid7.Length != 7) throw new ArgumentException("Ultralight UIDs have 7 bytes.", nameof(uid7));
            // MF0ICU1 §8.5.1: page 0 = UID0..2 + BCC0 (CT ^ UID0..2), page 1 = UID3..6, page 2 byte 0 = BCC1.
            _pages[0] = uid7[0]; _pages[1] = uid7[1]; _pages[2] = uid7[2];
            _pages[3] = (byte)(CascadeTag ^ uid7[0] ^ uid7[1] ^ uid7[2]);
            Array.Copy(uid7, 3, _pages, 4, 4);
            _pages[8] = (byte)(uid7[3] ^ uid7[4] ^ uid7[5] ^ uid7[6]);
        }

        public byte[] ReadPageRaw(int page) => new[] { _pages[page * 4], _pages[page * 4 + 1], _pages[page * 4 + 2], _pages[page * 4 + 3] };

        public void WritePageRaw(int page, byte[] data) => Array.Copy(data, 0, _pages, page * 4, 4);

        /// <summary>Pages written by WRITE or COMPATIBILITY WRITE (for tests).</summary>
        public int Writes { get; private set; }

        protected override void OnReset() => _pendingCompatibilityPage = -1;

        protected override CardAnswer ReceiveInActive(ReaderFrame frame)
        {
            if (!frame.HasValidCrc)
            {
                _pendingCompatibilityPage = -1;
                Fallback();
                return CardAnswer.Nibble(ClassicCard.NakTransmissionError);
            }

            if (_pendingCompatibilityPage >= 0)
            {
                // Second part of COMPATIBILITY WRITE: 16 data bytes + CRC; bytes 0..3 go to the page, the rest is
                // ignored (MF0ICU1 §9.4). Anything else ends the command with a NAK.
                int page = _pendingCompatibilityPage;
                _pendingCompatibilityPage = -1;
                if (frame.PayloadLength != 16)
                {
                    Fallback();
                    return CardAnswer.Nibble(ClassicCard.NakInvalidOperation);
                }

                Array.Copy(frame.Data, 0, _pages, page * 4, 4);
                Writes++;
                return CardAnswer.Nibble(ClassicCard.Ack);
            }

            if (frame.Data[0] == CommandCompatibilityWrite && frame.PayloadLength == 2 && frame.Data[1] >= 3 && frame.Data[1] < 16)
            {
                _pendingCompatibilityPage = frame.Data[1];
                return CardAnswer.Nibble(ClassicCard.Ack);
            }

            if (frame.Data[0] == 0x30 && frame.PayloadLength == 2 && frame.Data[1] < 16)
            {
                var data = new byte[16];
                for (int i = 0; i < 16; i++) data[i] = _pages[(frame.Data[1] * 4 + i) % _pages.Length];
                return CardAnswer.WithCrc(data);
            }

            if (frame.Data[0] == CommandWrite && frame.PayloadLength == 6 && frame.Data[1] >= 3 && frame.Data[1] < 16)
            {
                Array.Copy(frame.Data, 2, _pages, frame.Data[1] * 4, 4);
                Writes++;
                return CardAnswer.Nibble(ClassicCard.Ack);
            }

            Fallback();
            return CardAnswer.Nibble(ClassicCard.NakInvalidOperation);
        }
    }
}
