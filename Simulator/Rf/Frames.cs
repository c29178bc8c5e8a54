using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Simulator.Rf
{
    /// <summary>A reader → card frame as a card decodes it (ISO/IEC 14443-3 §6.1: LSB first, odd parity per byte).</summary>
    public sealed class ReaderFrame
    {
        public ReaderFrame(byte[] data, int bitCount)
        {
            Data = data;
            BitCount = bitCount;
        }

        /// <summary>Bytes as sent, LSB first; the last byte may be partial (<see cref="BitCount"/>).</summary>
        public byte[] Data { get; }

        /// <summary>Number of data bits (parity excluded).</summary>
        public int BitCount { get; }

        public int ByteCount => (BitCount + 7) / 8;

        /// <summary>A short frame (REQA, WUPA) has exactly 7 data bits and no parity (ISO/IEC 14443-3 §6.1.5.1).</summary>
        public bool IsShortFrame => BitCount == 7;

        public bool IsWholeBytes => BitCount > 0 && BitCount % 8 == 0;

        /// <summary>True when the frame is whole bytes ending with a correct CRC_A (§6.1.6).</summary>
        public bool HasValidCrc => IsWholeBytes && ByteCount >= 3 && CrcA.Check(Data, 0, ByteCount);

        /// <summary>Payload length without the CRC_A (only meaningful when <see cref="HasValidCrc"/>).</summary>
        public int PayloadLength => ByteCount - 2;

        /// <summary>Number of parity bits on the air: one per complete byte.</summary>
        public int ParityBits => IsShortFrame ? 0 : BitCount / 8;

        public override string ToString() => Convert.ToHexString(Data, 0, ByteCount) + "(" + BitCount + " bits)";
    }

    /// <summary>
    /// A card → reader answer: bits [<see cref="StartBit"/>, <see cref="EndBit"/>) of <see cref="Data"/>, LSB first.
    /// Anticollision answers start mid-byte (StartBit = bits the reader already sent of that byte); the parity
    /// bit of a split byte covers the whole byte and follows its last bit (ISO/IEC 14443-3 §6.4.2.1 Fig. 11).
    /// </summary>
    public sealed class CardAnswer
    {
        public CardAnswer(byte[] data, int startBit, int endBit)
        {
            Data = data;
            StartBit = startBit;
            EndBit = endBit;
        }

        public byte[] Data { get; }
        public int StartBit { get; }
        public int EndBit { get; }

        /// <summary>Whole bytes as they are (e.g. ATQA, anticollision remainder with StartBit 0).</summary>
        public static CardAnswer Bytes(params byte[] data) => new CardAnswer(data, 0, data.Length * 8);

        /// <summary>Payload followed by its CRC_A (SAK, READ data, ATS, I-blocks).</summary>
        public static CardAnswer WithCrc(params byte[] payload)
        {
            var frame = new byte[payload.Length + 2];
            Array.Copy(payload, frame, payload.Length);
            CrcA.Append(frame, 0, payload.Length);
            return Bytes(frame);
        }

        /// <summary>A 4-bit MIFARE ACK (0xA) or NAK (MF1S50 §9.3): four data bits, no parity.</summary>
        public static CardAnswer Nibble(int value) => new CardAnswer(new[] { (byte)(value & 0x0F) }, 0, 4);

        /// <summary>The bit stream on the air: data bits with the odd parity bit after each completed byte.</summary>
        public bool[] ToAirBits()
        {
            var bits = new List<bool>(EndBit - StartBit + (EndBit / 8) + 1);
            for (int position = StartBit; position < EndBit; position++)
            {
                bits.Add(((Data[position / 8] >> (position % 8)) & 1) != 0);
                if (position % 8 == 7)
                {
                    bits.Add(OddParity(Data[position / 8]));
                }
            }

            return bits.ToArray();
        }

        /// <summary>ISO/IEC 14443-3 §6.1.2: the parity bit makes the number of ones in byte + parity odd.</summary>
        public static bool OddParity(byte value)
        {
            int ones = 0;
            for (int i = 0; i < 8; i++)
            {
                ones += (value >> i) & 1;
            }

            return ones % 2 == 0;
        }

        public override string ToString() => Convert.ToHexString(Data) + "[" + StartBit + ".." + EndBit + ")";
    }
}
