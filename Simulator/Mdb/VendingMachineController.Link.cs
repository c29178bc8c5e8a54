using System;
using LeoCarte.Drivers.Mdb;

namespace LeoCarte.Simulator.Mdb;

/// <summary>The MDB link as the VMC drives it (ICP/MDB 4.2 §2): one transaction with ACK/RET/NAK, the 5 ms timeout and the injected link faults.</summary>
public sealed partial class VendingMachineController
{
    /// <summary>Moves the machine's clock forward to <paramref name="microseconds"/> (after the terminal ran on its own, e.g. during a tap).</summary>
    public void AdvanceTo(long microseconds)
    {
        if (microseconds > now)
        {
            now = microseconds;
        }
    }

    /// <summary>Advances time without bus traffic (the terminal's tap loop still runs).</summary>
    public void Wait(long microseconds)
    {
        now += microseconds;
        runTerminal(now);
    }

    /// <summary>
    /// One command (address byte first, without CHK) until the terminal answers correctly or the tries run out:
    /// null = no answer, empty = ACK, else the data block without CHK (already acknowledged).
    /// </summary>
    public byte[] Transact(params byte[] command)
    {
        for (int attempt = 0; attempt < 40; attempt++)
        {
            Transactions++;
            byte[] answer = TryOnce(command, out bool retry);
            if (!retry)
            {
                return answer;
            }
        }

        return null;
    }

    private byte[] TryOnce(byte[] command, out bool retry)
    {
        retry = true;
        now += 200;
        var block = new byte[command.Length + 1];
        Array.Copy(command, block, command.Length);
        block[^1] = MdbWord.Checksum(command, 0, command.Length);
        if (Chance(Faults.CorruptCommand))
        {
            Count("corrupt command");
            int i = 1 + random.Next(block.Length - 1); // a data or CHK byte: the address byte stays ours
            block[i] ^= (byte)(1 << random.Next(8));
        }

        int gapAt = Chance(Faults.InterByteGap) && block.Length > 2 ? 1 + random.Next(block.Length - 1) : -1;
        if (gapAt > 0)
        {
            Count("inter-byte gap");
        }

        for (int i = 0; i < block.Length; i++)
        {
            now += i == gapAt ? SimulatedMdbPort.WordMicroseconds + 1500 : SimulatedMdbPort.WordMicroseconds;
            port.SendWord(block[i] | (i == 0 ? MdbWord.ModeBit : 0), now);
        }

        long lastByte = now;
        bool slow = Chance(Faults.SlowTerminal);
        if (slow)
        {
            Count("slow terminal");
        }

        port.AnswerStartMicroseconds = lastByte + (slow ? 6000 : 300);
        runTerminal(port.AnswerStartMicroseconds);
        byte[] bytes = port.TakeAnswer(out bool modeBit);
        if (bytes.Length == 0 || slow)
        {
            // Silence, or an answer after the 5 ms limit that the VMC no longer listens to (§2.5: t-response as NAK).
            LateOrSilentAnswers++;
            Timeouts++;
            now = lastByte + 5000;
            return null;
        }

        now = port.AnswerStartMicroseconds + bytes.Length * SimulatedMdbPort.WordMicroseconds;
        if (!modeBit)
        {
            ProtocolErrors++;
        }

        if (Chance(Faults.LostAnswer))
        {
            Count("lost answer");
            Timeouts++;
            now += 5000;
            return null;
        }

        if (bytes.Length == 1)
        {
            if (bytes[0] == MdbWord.Ack)
            {
                retry = false;
                return Array.Empty<byte>();
            }

            if (bytes[0] == MdbWord.Nak)
            {
                NaksReceived++;
            }
            else
            {
                ProtocolErrors++;
            }

            return null;
        }

        for (int ret = 0; ret <= 3; ret++)
        {
            if (Chance(Faults.CorruptAnswer))
            {
                Count("corrupt answer");
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }

            if (MdbWord.Checksum(bytes, 0, bytes.Length - 1) == bytes[^1])
            {
                now += 200;
                if (Chance(Faults.LostVmcAck))
                {
                    Count("lost VMC ACK");
                }
                else
                {
                    port.SendWord(MdbWord.Ack, now);
                    runTerminal(now + 100);
                }

                retry = false;
                LastData = bytes[..^1];
                return LastData;
            }

            // §2.2: the VMC asks for the same data again.
            RetsSent++;
            now += 200;
            port.SendWord(MdbWord.Ret, now);
            port.AnswerStartMicroseconds = now + 300;
            runTerminal(port.AnswerStartMicroseconds);
            bytes = port.TakeAnswer(out _);
            if (bytes.Length < 2)
            {
                ProtocolErrors++;
                return null;
            }

            now = port.AnswerStartMicroseconds + bytes.Length * SimulatedMdbPort.WordMicroseconds;
        }

        now += 200;
        port.SendWord(MdbWord.Nak, now);
        return null;
    }

}
