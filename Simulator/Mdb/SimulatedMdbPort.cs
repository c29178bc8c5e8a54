using System;
using System.Collections.Generic;
using System.Text;
using LeoCarte.Drivers.Mdb;

namespace LeoCarte.Simulator.Mdb;

/// <summary>
/// The bus between the simulated vending machine controller and the terminal, seen from the terminal as its
/// <see cref="IMdbUart"/>: 9-bit words with the time their stop bit ended (9600 baud, 11 bits a word = 1.146 ms,
/// ICP/MDB 4.2 §2.1). Everything that crosses it can be traced byte-exactly, one line per block ("VMC → 12* 12",
/// "terminal → 00 00*"; * marks the mode bit).
/// </summary>
public sealed class SimulatedMdbPort : IMdbUart
{
    /// <summary>One word at 9600 baud: start + 8 data + mode + stop = 11 bits.</summary>
    public const long WordMicroseconds = MdbWord.WordMicroseconds;

    private readonly Queue<(int Word, long At)> toTerminal = new();
    private readonly List<byte> fromTerminal = new();
    private bool lastHadModeBit;
    private bool vmcBlockOpen;

    /// <summary>When the terminal's answer starts, after the VMC's last stop bit (set by the VMC per transaction).</summary>
    public long AnswerStartMicroseconds;

    /// <summary>Trace of every word both ways, when not null.</summary>
    public List<string> Trace;

    /// <summary>Words the terminal wrote with the mode bit anywhere but on the last byte of a block (must stay 0).</summary>
    public int ModeBitViolations { get; private set; }

    public long WordsToTerminal { get; private set; }
    public long WordsFromTerminal { get; private set; }

    public void SendWord(int word, long atMicroseconds)
    {
        toTerminal.Enqueue((word, atMicroseconds));
        WordsToTerminal++;
        if (Trace == null)
        {
            return;
        }

        if (word == MdbWord.BusReset)
        {
            Trace.Add($"{atMicroseconds / 1000.0,10:F3} ms  VMC → BREAK (bus reset)");
            vmcBlockOpen = false;
            return;
        }

        string text = $"{(word & 0xFF):X2}{((word & MdbWord.ModeBit) != 0 ? "*" : "")}";
        if ((word & MdbWord.ModeBit) == 0 && vmcBlockOpen)
        {
            Trace[^1] += " " + text; // one line per VMC block
            return;
        }

        Trace.Add($"{atMicroseconds / 1000.0,10:F3} ms  VMC → {text}");
        vmcBlockOpen = (word & MdbWord.ModeBit) != 0;
    }

    /// <summary>Takes what the terminal wrote since the last call (its last byte carries the mode bit).</summary>
    public byte[] TakeAnswer(out bool modeBitOnLast)
    {
        byte[] bytes = fromTerminal.ToArray();
        fromTerminal.Clear();
        modeBitOnLast = lastHadModeBit;
        lastHadModeBit = false;
        return bytes;
    }

    public bool TryRead(out int word, out long receivedAtMicroseconds)
    {
        if (toTerminal.Count == 0)
        {
            word = 0;
            receivedAtMicroseconds = 0;
            return false;
        }

        (word, receivedAtMicroseconds) = toTerminal.Dequeue();
        return true;
    }

    public void Write(byte[] data, int offset, int count)
    {
        if (fromTerminal.Count > 0 && lastHadModeBit)
        {
            // A second block while the first is still on the wire: in a real bus both would collide.
            ModeBitViolations++;
        }

        var line = Trace == null ? null : new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            fromTerminal.Add(data[offset + i]);
            WordsFromTerminal++;
            line?.Append($"{data[offset + i]:X2}{(i == count - 1 ? "*" : " ")}");
        }

        lastHadModeBit = count > 0;
        vmcBlockOpen = false;
        if (Trace != null)
        {
            Trace.Add($"{AnswerStartMicroseconds / 1000.0,10:F3} ms  terminal → {line}");
        }
    }
}
