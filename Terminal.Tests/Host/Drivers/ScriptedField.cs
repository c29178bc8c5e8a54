#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// Scripted ISO/IEC 14443-3A cards for <see cref="ScriptedChip"/>: a field of cards that answer REQA/WUPA,
/// ANTICOLLISION (with bit collisions reported the way the driver expects: CollPos counted in the FIFO bit layout,
/// first received bit at RxAlign), SELECT, HLTA. Small on purpose; the project's simulator is the full model.
/// </summary>
internal sealed class ScriptedField
{
    internal sealed class Card
    {
        public byte[] Uid = Array.Empty<byte>();
        public byte Sak = 0x08;
        public ushort Atqa = 0x0004;
        public string State = "Idle";
        public int Level;
        public bool FromHalt;
    }

    public readonly List<Card> Cards = new();

    public Card Add(byte[] uid, byte sak, ushort atqa)
    {
        var card = new Card { Uid = uid, Sak = sak, Atqa = atqa };
        Cards.Add(card);
        return card;
    }

    private static byte[] Cln(Card card, int level)
    {
        int levels = card.Uid.Length == 4 ? 1 : card.Uid.Length == 7 ? 2 : 3;
        var cln = new byte[5];
        if (level < levels - 1)
        {
            cln[0] = 0x88;
            Array.Copy(card.Uid, 3 * level, cln, 1, 3);
        }
        else
        {
            Array.Copy(card.Uid, 3 * level, cln, 0, 4);
        }

        cln[4] = Bcc.Compute(cln, 0);
        return cln;
    }

    private static int Bit(byte[] bytes, int index) => (bytes[index / 8] >> (index % 8)) & 1;

    public ScriptedAnswer? Answer(byte[] frame, int txLastBits, int rxAlign)
    {
        if (frame.Length == 1 && txLastBits == 7 && (frame[0] == 0x26 || frame[0] == 0x52))
        {
            bool wake = frame[0] == 0x52;
            foreach (var c in Cards)
            {
                if (c.State == "Ready" || c.State == "Active")
                {
                    c.State = c.FromHalt ? "Halt" : "Idle";
                }
            }

            var answering = Cards.FindAll(c => c.State == "Idle" || (wake && c.State == "Halt"));
            foreach (var c in answering)
            {
                c.FromHalt = c.State == "Halt";
                c.State = "Ready";
                c.Level = 0;
            }

            if (answering.Count == 0)
            {
                return null;
            }

            var atqa = answering[0].Atqa;
            if (answering.Exists(c => c.Atqa != atqa))
            {
                return new ScriptedAnswer { Data = new[] { (byte)(atqa & 0xFF), (byte)(atqa >> 8) }, Error = 0x08, Coll = 0x01 };
            }

            return ScriptedAnswer.Bytes((byte)(atqa & 0xFF), (byte)(atqa >> 8));
        }

        if (frame.Length >= 2 && (frame[0] == 0x93 || frame[0] == 0x95 || frame[0] == 0x97))
        {
            int level = (frame[0] - 0x93) / 2;
            if (frame[1] == 0x70 && frame.Length == 9)
            {
                if (!CrcA.Check(frame, 0, 9))
                {
                    return null;
                }

                var chosen = new List<Card>();
                foreach (var c in Cards)
                {
                    if (c.State != "Ready" || c.Level != level)
                    {
                        continue;
                    }

                    var cln = Cln(c, level);
                    bool match = true;
                    for (int i = 0; i < 5; i++)
                    {
                        match &= cln[i] == frame[2 + i];
                    }

                    if (match)
                    {
                        chosen.Add(c);
                    }
                    else
                    {
                        c.State = c.FromHalt ? "Halt" : "Idle";
                    }
                }

                if (chosen.Count == 0)
                {
                    return null;
                }

                int levels = chosen[0].Uid.Length == 4 ? 1 : chosen[0].Uid.Length == 7 ? 2 : 3;
                if (level < levels - 1)
                {
                    foreach (var c in chosen)
                    {
                        c.Level = level + 1;
                    }

                    return ScriptedAnswer.WithCrc(0x04);
                }

                foreach (var c in chosen)
                {
                    c.State = "Active";
                }

                return ScriptedAnswer.WithCrc(chosen[0].Sak);
            }

            int knownBits = ((frame[1] >> 4) - 2) * 8 + (frame[1] & 0x0F);
            var responders = new List<byte[]>();
            foreach (var c in Cards)
            {
                if (c.State != "Ready" || c.Level != level)
                {
                    continue;
                }

                var cln = Cln(c, level);
                bool match = true;
                for (int b = 0; b < knownBits; b++)
                {
                    match &= Bit(cln, b) == Bit(frame, 16 + b);
                }

                if (match)
                {
                    responders.Add(cln);
                }
            }

            if (responders.Count == 0)
            {
                return null;
            }

            int fullBytes = knownBits / 8;
            int count = 5 - fullBytes;
            var data = new byte[count];
            int collisionAt = -1;
            for (int b = knownBits; b < 40; b++)
            {
                int one = responders.Count(r => Bit(r, b) == 1);
                int value = one > 0 ? 1 : 0;
                if (one > 0 && one < responders.Count && collisionAt < 0)
                {
                    collisionAt = b;
                }

                if (collisionAt >= 0 && b > collisionAt)
                {
                    value = 0;
                }

                int fifoBit = b - fullBytes * 8;
                if (value == 1)
                {
                    data[fifoBit / 8] |= (byte)(1 << (fifoBit % 8));
                }
            }

            if (collisionAt < 0)
            {
                return ScriptedAnswer.Bytes(data);
            }

            int position = collisionAt - fullBytes * 8 + 1;
            return new ScriptedAnswer { Data = data, Error = 0x08, Coll = (byte)(position == 32 ? 0 : position) };
        }

        if (frame.Length == 4 && frame[0] == 0x50 && frame[1] == 0x00 && CrcA.Check(frame, 0, 4))
        {
            foreach (var c in Cards)
            {
                if (c.State == "Active")
                {
                    c.State = "Halt";
                }
            }

            return null;
        }

        foreach (var c in Cards)
        {
            if (c.State == "Ready" || c.State == "Active")
            {
                c.State = c.FromHalt ? "Halt" : "Idle";
            }
        }

        return null;
    }
}
