// Runs the MDB link layer + cashless device on nanoCLR to count IL instructions per bus command (the 5 ms
// response budget, ICP/MDB 4.2 §2.5). Built once per scenario by run.sh; the difference between a scenario and the
// baseline (same setup, no measured commands), divided by the repetitions, is the cost of one command: from the
// first word of the VMC's block to the answer handed to the UART.
using System;
using LeoCarte.Drivers.Mdb;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Cashless;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Tools.MdbOpCount
{
    public static class Program
    {
        private const int Repetitions = 100;

        public static void Main()
        {
            var uart = new ScriptUart();
            var clock = new FixedClock();
            var files = new MemoryFileStore();
            var journal = new TransactionJournal(files, new JournalSettings());
            journal.Open();
            var settings = new DecisionSettings();
            settings.Mode = TerminalMode.Vending;
            var list = new OneCardList();
            var engine = new DecisionEngine(list, clock, journal, files, settings);
            engine.Start();
            engine.NoteListConfirmed();
            var device = new CashlessDevice(engine, new CashlessSettings());
            var link = new MdbPeripheralLink(uart, device, CashlessDevice.Address);

            // Setup as a VMC does it (not measured: the same in every build).
            Send(uart, link, new byte[] { 0x10 });
            Send(uart, link, new byte[] { 0x12 });
            Ack(uart, link);
            Send(uart, link, new byte[] { 0x11, 0x00, 0x03, 0x10, 0x02, 0x00 });
            Ack(uart, link);
            Send(uart, link, new byte[] { 0x14, 0x01 });
            Send(uart, link, new byte[] { 0x12 }); // TIME/DATE REQUEST
            Ack(uart, link);
            device.Step(10);

#if MDB_POLL_IDLE
            for (int i = 0; i < Repetitions; i++)
            {
                Send(uart, link, Poll); // POLL, nothing to report → ACK
            }
#elif MDB_POLL_BEGIN_SESSION
            for (int i = 0; i < Repetitions; i++)
            {
                Send(uart, link, Poll); // POLL → BEGIN SESSION (10 bytes + CHK); the VMC's ACK is the next word
                device.PresentCard(OneCardList.Uid, 0, 7);
                device.Step(20);
                Send(uart, link, Poll);
                Ack(uart, link);
                Send(uart, link, SessionComplete);
                Send(uart, link, Poll);
                Ack(uart, link);
            }
#elif MDB_SESSION_NO_BEGIN
            for (int i = 0; i < Repetitions; i++)
            {
                // Same as above without the measured POLL: the difference is one BEGIN SESSION answer.
                Send(uart, link, Poll);
                device.PresentCard(OneCardList.Uid, 0, 7);
                device.Step(20);
                Send(uart, link, SessionComplete);
                Send(uart, link, Poll);
                Ack(uart, link);
            }
#elif MDB_EXPANSION_ID
            for (int i = 0; i < Repetitions; i++)
            {
                // The longest exchange: EXPANSION REQUEST ID (32 words in) → PERIPHERAL ID (35 bytes out), then a POLL
                // so the next request is not taken for a repeat.
                Send(uart, link, ExpansionRequestId);
                Ack(uart, link);
                Send(uart, link, Poll);
            }
#elif MDB_EXPANSION_ID_REPEAT
            for (int i = 0; i < Repetitions; i++)
            {
                // As above, plus the VMC repeating the request (its first answer was late): answered from what was kept.
                Send(uart, link, ExpansionRequestId);
                Ack(uart, link);
                Send(uart, link, ExpansionRequestId);
                Ack(uart, link);
                Send(uart, link, Poll);
            }
#elif MDB_POLL_ONLY
            for (int i = 0; i < Repetitions; i++)
            {
                Send(uart, link, Poll);
            }
#elif MDB_STEP_IDLE
            for (int i = 0; i < Repetitions; i++)
            {
                device.Step(30); // the tap loop's turn with nothing to do
            }
#endif
            Console.WriteLine("MdbOpCount done, answers written: " + uart.Writes.ToString());
        }

        private static readonly byte[] Poll = new byte[] { 0x12 };
        private static readonly byte[] SessionComplete = new byte[] { 0x13, 0x04 };
        private static readonly byte[] ExpansionRequestId = new byte[]
        {
            0x17, 0x00, (byte)'V', (byte)'M', (byte)'C', 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x31,
            0x56, 0x4D, 0x43, 0x2D, 0x53, 0x49, 0x4D, 0x20, 0x20, 0x20, 0x20, 0x20, 0x01, 0x00,
        };

        private static void Send(ScriptUart uart, MdbPeripheralLink link, byte[] command)
        {
            uart.Load(command);
            link.Service(uart.Now + 300);
        }

        private static void Ack(ScriptUart uart, MdbPeripheralLink link)
        {
            uart.LoadWord(MdbWord.Ack);
            link.Service(uart.Now + 100);
        }
    }

    /// <summary>Feeds a VMC block as 9-bit words 1.146 ms apart; counts answers.</summary>
    internal sealed class ScriptUart : IMdbUart
    {
        private readonly int[] words = new int[40];
        private int count;
        private int next;
        public long Now = 1000;
        public int Writes;

        public void Load(byte[] command)
        {
            count = 0;
            next = 0;
            int sum = 0;
            for (int i = 0; i < command.Length; i++)
            {
                words[count++] = command[i] | (i == 0 ? MdbWord.ModeBit : 0);
                sum += command[i];
            }

            words[count++] = sum & 0xFF;
        }

        public void LoadWord(int word)
        {
            count = 0;
            next = 0;
            words[count++] = word;
        }

        public bool TryRead(out int word, out long receivedAtMicroseconds)
        {
            if (next == count)
            {
                word = 0;
                receivedAtMicroseconds = 0;
                return false;
            }

            word = words[next++];
            Now += MdbWord.WordMicroseconds;
            receivedAtMicroseconds = Now;
            return true;
        }

        public void Write(byte[] data, int offset, int count)
        {
            Writes++;
        }
    }

    internal sealed class FixedClock : IClock
    {
        public DateTime UtcNow
        {
            get { return new DateTime(2026, 12, 1, 11, 0, 0); }
        }

        public bool IsSynced
        {
            get { return true; }
        }

        public long MonotonicMilliseconds
        {
            get { return 1000; }
        }
    }

    internal sealed class OneCardList : IAllowlist
    {
        public static readonly byte[] Uid = new byte[] { 0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06 };

        public long Version
        {
            get { return 1; }
        }

        public DateTime IssuedUtc
        {
            get { return new DateTime(2026, 12, 1, 10, 0, 0); }
        }

        public int Count
        {
            get { return 1; }
        }

        public bool LastLookupFailed
        {
            get { return false; }
        }

        public long LastLookupVersion
        {
            get { return 1; }
        }

        public byte KeyVersion
        {
            get { return 0; }
        }

        public byte PreviousKeyVersion
        {
            get { return 0; }
        }

        public bool TryFind(byte[] uid, int offset, int length, CardRecord into)
        {
            into.State = CardState.Active;
            into.HolderKey = 42;
            into.Category = 0;
            into.Family = CardFamily.Desfire;
            return length == 7;
        }
    }
}
