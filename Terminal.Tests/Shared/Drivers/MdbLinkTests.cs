#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Mdb;

namespace LeoCarte.Terminal.Tests.Drivers
{
    /// <summary>
    /// The MDB link layer (ICP/MDB 4.2 §2) against a scripted bus, on the host and on the device: block assembly by
    /// address, CHK, ACK/NAK, the 1 ms inter-byte limit, data acknowledged / re-sent on RET and at the next POLL,
    /// repeated commands answered without re-execution, other peripherals' traffic ignored, bus reset.
    /// </summary>
    [TestClass]
    public class MdbLinkTests
    {
        /// <summary>Scripted UART: words fed with times, answers recorded (last block only).</summary>
        private sealed class ScriptUart : IMdbUart
        {
            private readonly int[] words = new int[64];
            private readonly long[] times = new long[64];
            private int count;
            private int next;
            public long Now = 10000;
            public readonly byte[] Last = new byte[40];
            public int LastLength;
            public int Writes;

            public void Block(int gapBeforeWord, params int[] bytes)
            {
                int sum = 0;
                for (int i = 0; i < bytes.Length; i++)
                {
                    Now += MdbWord.WordMicroseconds + (i == gapBeforeWord ? 1500 : 0);
                    Add(bytes[i] | (i == 0 ? MdbWord.ModeBit : 0));
                    sum += bytes[i];
                }

                Now += MdbWord.WordMicroseconds;
                Add(sum & 0xFF);
            }

            public void Add(int word)
            {
                words[count] = word;
                times[count] = Now;
                count++;
            }

            public bool TryRead(out int word, out long at)
            {
                if (next == count)
                {
                    word = 0;
                    at = 0;
                    return false;
                }

                word = words[next];
                at = times[next];
                next++;
                return true;
            }

            public void Write(byte[] data, int offset, int length)
            {
                Writes++;
                for (int i = 0; i < length; i++)
                {
                    Last[i] = data[offset + i];
                }

                LastLength = length;
            }
        }

        /// <summary>Peripheral at 10h: RESET/POLL 2 bytes, 11h x 3 bytes; POLL answers "0x42 0x01" once armed.</summary>
        private sealed class Peripheral : IMdbPeripheral
        {
            public int Executed;
            public bool HasData;

            public int CommandLength(byte[] block, int count)
            {
                int command = block[0] & 7;
                return command == 0 || command == 2 ? 2 : command == 1 ? 3 : -1;
            }

            public bool IsPoll(byte[] block)
            {
                return (block[0] & 7) == 2;
            }

            public int OnCommand(byte[] block, int length, byte[] reply)
            {
                if ((block[0] & 7) == 2)
                {
                    if (!HasData)
                    {
                        return 0;
                    }

                    HasData = false;
                    reply[0] = 0x42;
                    reply[1] = 0x01;
                    return 2;
                }

                Executed++;
                return 0;
            }

            public void OnBusReset()
            {
                Executed = -100;
            }
        }

        [TestMethod]
        public void ChecksumIsTheEightBitSum()
        {
            Assert.AreEqual(0x00, (int)MdbWord.Checksum(new byte[] { 0x80, 0x80 }, 0, 2));
            Assert.AreEqual(0xA2, (int)MdbWord.Checksum(new byte[] { 0x01, 0x03, 0x19, 0x78, 0x01, 0x02, 0x0A, 0x00 }, 0, 8));
        }

        [TestMethod]
        public void PollIsAcknowledgedAndDataCarriesItsChecksum()
        {
            ScriptUart uart = new ScriptUart();
            Peripheral p = new Peripheral();
            MdbPeripheralLink link = new MdbPeripheralLink(uart, p, 0x10);
            uart.Block(-1, 0x12);
            link.Service(uart.Now + 300);
            Assert.AreEqual(1, uart.LastLength);
            Assert.AreEqual(0x00, (int)uart.Last[0]);

            p.HasData = true;
            uart.Block(-1, 0x12);
            link.Service(uart.Now + 300);
            Assert.AreEqual(3, uart.LastLength);
            Assert.AreEqual(0x42, (int)uart.Last[0]);
            Assert.AreEqual(0x43, (int)uart.Last[2]);
            Assert.IsTrue(link.DataPending);

            uart.Add(MdbWord.Ret); // corrupted on the way: sent again at once
            link.Service(uart.Now + 300);
            Assert.AreEqual(3, uart.Writes, "ACK, the data, the data again");
            uart.Add(MdbWord.Ack);
            link.Service(uart.Now + 300);
            Assert.IsFalse(link.DataPending);
        }

        [TestMethod]
        public void UnacknowledgedDataIsSentAgainAtTheNextPoll()
        {
            ScriptUart uart = new ScriptUart();
            Peripheral p = new Peripheral();
            MdbPeripheralLink link = new MdbPeripheralLink(uart, p, 0x10);
            p.HasData = true;
            uart.Block(-1, 0x12);
            link.Service(uart.Now + 300);
            uart.Block(-1, 0x12); // no ACK came: a new POLL
            link.Service(uart.Now + 300);
            Assert.AreEqual(3, uart.LastLength);
            Assert.AreEqual(0x42, (int)uart.Last[0]);
            Assert.AreEqual(1, link.DataResent);
        }

        [TestMethod]
        public void BadChecksumIsNakedAndGapsAbandonTheBlock()
        {
            ScriptUart uart = new ScriptUart();
            Peripheral p = new Peripheral();
            MdbPeripheralLink link = new MdbPeripheralLink(uart, p, 0x10);
            uart.Now += MdbWord.WordMicroseconds;
            uart.Add(0x11 | MdbWord.ModeBit);
            uart.Now += MdbWord.WordMicroseconds;
            uart.Add(0x05);
            uart.Now += MdbWord.WordMicroseconds;
            uart.Add(0x00); // CHK should be 0x16
            link.Service(uart.Now + 300);
            Assert.AreEqual(1, link.ChecksumErrors);
            Assert.AreEqual(0xFF, (int)uart.Last[0]);
            Assert.AreEqual(0, p.Executed);

            int writes = uart.Writes;
            uart.Block(1, 0x11, 0x05); // 1.5 ms gap before the second byte
            link.Service(uart.Now + 300);
            Assert.AreEqual(1, link.FramingErrors);
            Assert.AreEqual(writes, uart.Writes, "no answer to a broken block");
            Assert.AreEqual(0, p.Executed);
        }

        [TestMethod]
        public void RepeatedCommandIsAnsweredOnceExecuted()
        {
            ScriptUart uart = new ScriptUart();
            Peripheral p = new Peripheral();
            MdbPeripheralLink link = new MdbPeripheralLink(uart, p, 0x10);
            uart.Block(-1, 0x11, 0x05);
            uart.Block(-1, 0x11, 0x05); // our ACK was lost: the VMC repeats
            link.Service(uart.Now + 300);
            Assert.AreEqual(1, p.Executed);
            Assert.AreEqual(1, link.RepeatedCommands);
            Assert.AreEqual(2, uart.Writes);
            uart.Block(-1, 0x12);
            uart.Block(-1, 0x11, 0x05); // after a POLL: a new command
            link.Service(uart.Now + 300);
            Assert.AreEqual(2, p.Executed);
        }

        [TestMethod]
        public void OtherAddressesAreIgnoredAndABreakResets()
        {
            ScriptUart uart = new ScriptUart();
            Peripheral p = new Peripheral();
            MdbPeripheralLink link = new MdbPeripheralLink(uart, p, 0x10);
            uart.Block(-1, 0x0B);       // coin changer POLL
            uart.Add(MdbWord.Ack);      // the VMC acknowledging the changer's data
            link.Service(uart.Now + 300);
            Assert.AreEqual(0, uart.Writes);
            uart.Add(MdbWord.BusReset);
            link.Service(uart.Now + 300);
            Assert.AreEqual(-100, p.Executed);
            Assert.AreEqual(1, link.BusResets);
        }

        [TestMethod]
        public void LateBlocksAreExecutedOnceAndAnsweredOnTheRepeat()
        {
            ScriptUart uart = new ScriptUart();
            Peripheral p = new Peripheral();
            MdbPeripheralLink link = new MdbPeripheralLink(uart, p, 0x10);
            uart.Block(-1, 0x11, 0x05);
            link.Service(uart.Now + 6000);
            Assert.AreEqual(1, p.Executed);
            Assert.AreEqual(0, uart.Writes, "too late: silent");
            uart.Block(-1, 0x11, 0x05);
            link.Service(uart.Now + 300);
            Assert.AreEqual(1, p.Executed);
            Assert.AreEqual(1, uart.Writes);
            Assert.AreEqual(0x00, (int)uart.Last[0]);
        }
    }
}
