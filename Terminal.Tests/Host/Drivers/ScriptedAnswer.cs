#nullable enable
using System;
using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>What a scripted card answers to one reader frame; null = silence (the chip timer fires).</summary>
internal sealed class ScriptedAnswer
{
    public byte[] Data = Array.Empty<byte>();
    public int LastBits;
    public byte Error;
    public byte Coll = 0x20;

    public static ScriptedAnswer Bytes(params byte[] data) => new() { Data = data };
    public static ScriptedAnswer WithCrc(params byte[] data)
    {
        var framed = new byte[data.Length + 2];
        Array.Copy(data, framed, data.Length);
        CrcA.Append(framed, 0, data.Length);
        return new ScriptedAnswer { Data = framed };
    }

    public static ScriptedAnswer FourBits(byte value) => new() { Data = new[] { value }, LastBits = 4 };
}
