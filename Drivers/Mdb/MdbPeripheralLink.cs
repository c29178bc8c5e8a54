namespace LeoCarte.Drivers.Mdb
{
    /// <summary>
    /// The peripheral side of the MDB link layer (ICP/MDB 4.2 §2): assembles the VMC's blocks from 9-bit words,
    /// checks the checksum, answers ACK, NAK or a data block with its CHK, and carries out the recovery rules:
    /// <list type="bullet">
    /// <item>Address byte (mode bit set) starts a block; only blocks whose upper five address bits are ours are
    /// collected (§2.2), everything else is ignored until the next address byte.</item>
    /// <item>Inter-byte time above 1 ms (t-inter-byte max, §2.5) abandons a partial block; a checksum error is
    /// answered NAK so the VMC retransmits at once.</item>
    /// <item>Data sent to the VMC awaits its ACK; RET re-sends it at once (§2.2); NAK or silence leaves it pending and
    /// it is sent again in answer to the next POLL. A different non-POLL command means the VMC went on (its ACK was
    /// lost, or it gave up): the data is then dropped, and the peripheral's state already says what follows.</item>
    /// <item>A non-POLL block identical to the previous one, with nothing in between, is the VMC repeating a command
    /// whose answer it did not get (§2.2: "the Master may repeat the same command"): the same answer is sent again and
    /// the command is not executed twice — a VEND SUCCESS whose ACK was lost is charged once.</item>
    /// <item>A bus reset (break, §2.4) clears everything and resets the peripheral.</item>
    /// </list>
    /// Allocation-free after construction. Single-threaded: call <see cref="Service"/> from one thread.
    /// </summary>
    public sealed class MdbPeripheralLink
    {
        /// <summary>t-inter-byte(max), §2.5.</summary>
        public const long InterByteLimitMicroseconds = 1000;

        /// <summary>t-response(max), §2.5: the peripheral's answer must start within 5 ms of the VMC's last byte.</summary>
        public const long ResponseLimitMicroseconds = 5000;

        private readonly IMdbUart uart;
        private readonly IMdbPeripheral peripheral;
        private readonly int address;
        private readonly byte[] block = new byte[MdbWord.MaxBlock];
        private readonly byte[] reply = new byte[MdbWord.MaxBlock];
        private readonly byte[] sent = new byte[MdbWord.MaxBlock];
        private readonly byte[] previous = new byte[MdbWord.MaxBlock];
        private readonly byte[] single = new byte[1];

        private int count;
        private int expected;
        private bool collecting;
        private long lastWordMicroseconds;
        private bool late;               // the block being answered arrived more than 5 ms ago: send nothing

        private int sentLength;          // the last data block sent (with CHK), for RET and re-sending
        private bool awaitingAck;        // data sent, the VMC's ACK/RET/NAK not seen yet
        private bool resendAtPoll;       // data not acknowledged: answer the next POLL with it
        private int previousLength;      // the last non-POLL block, for repeated commands
        private bool previousAnsweredWithData;
        private byte previousAnswer;     // ACK, or 0xFF meaning silence

        /// <param name="address">The peripheral's address (upper five bits of the address byte), e.g. 0x10 for cashless #1.</param>
        public MdbPeripheralLink(IMdbUart uart, IMdbPeripheral peripheral, int address)
        {
            this.uart = uart;
            this.peripheral = peripheral;
            this.address = address & 0xF8;
        }

        /// <summary>Complete blocks addressed to this peripheral with a valid checksum.</summary>
        public int BlocksReceived { get; private set; }

        /// <summary>Blocks answered NAK because their checksum was wrong.</summary>
        public int ChecksumErrors { get; private set; }

        /// <summary>Partial blocks abandoned because a gap exceeded 1 ms, or a block longer than 36 bytes.</summary>
        public int FramingErrors { get; private set; }

        /// <summary>Blocks with a command the peripheral does not know (not answered).</summary>
        public int UnknownCommands { get; private set; }

        /// <summary>Data blocks sent again: on RET, or at a POLL because the previous one was not acknowledged.</summary>
        public int DataResent { get; private set; }

        /// <summary>Data blocks dropped unacknowledged because the VMC went on with another command.</summary>
        public int DataDroppedUnacknowledged { get; private set; }

        /// <summary>Repeated commands answered again without being executed again.</summary>
        public int RepeatedCommands { get; private set; }

        /// <summary>Bus resets (breaks) seen.</summary>
        public int BusResets { get; private set; }

        /// <summary>Blocks whose answer would have left later than 5 ms after the VMC's last byte (executed, answer kept, not sent).</summary>
        public int LateAnswers { get; private set; }

        /// <summary>True while a data block waits for the VMC's acknowledgement (sent, or to be sent again at the next POLL).</summary>
        public bool DataPending
        {
            get { return awaitingAck || resendAtPoll; }
        }

        /// <summary>Drains the UART. <paramref name="nowMicroseconds"/> is when the answer would go out (same clock as the UART's times).</summary>
        public void Service(long nowMicroseconds)
        {
            int word;
            long at;
            while (uart.TryRead(out word, out at))
            {
                OnWord(word, at, nowMicroseconds);
            }
        }

        private void OnWord(int word, long at, long now)
        {
            if ((word & MdbWord.BusReset) != 0)
            {
                BusResets++;
                collecting = false;
                awaitingAck = false;
                resendAtPoll = false;
                previousLength = 0;
                peripheral.OnBusReset();
                return;
            }

            byte value = (byte)word;
            if ((word & MdbWord.ModeBit) != 0)
            {
                if (awaitingAck)
                {
                    // A new block instead of ACK/RET/NAK: our data was not acknowledged (§2.2, t-response as NAK).
                    awaitingAck = false;
                    resendAtPoll = true;
                }

                collecting = (value & 0xF8) == address;
                if (collecting)
                {
                    block[0] = value;
                    count = 1;
                    lastWordMicroseconds = at;
                    expected = peripheral.CommandLength(block, 1);
                    if (expected == 0 || expected > 1)
                    {
                        return;
                    }

                    // A one-byte block cannot exist (the CHK always follows): treat like an unknown command.
                    expected = -1;
                    Unknown();
                }

                return;
            }

            if (!collecting)
            {
                if (awaitingAck)
                {
                    awaitingAck = false;
                    if (value == MdbWord.Ret)
                    {
                        DataResent++;
                        awaitingAck = true;
                        uart.Write(sent, 0, sentLength);
                    }
                    else if (value != MdbWord.Ack)
                    {
                        resendAtPoll = true; // NAK or noise: keep the data for the next POLL
                    }
                }

                return;
            }

            if (at - lastWordMicroseconds - MdbWord.WordMicroseconds > InterByteLimitMicroseconds || count >= MdbWord.MaxBlock)
            {
                FramingErrors++;
                collecting = false;
                return;
            }

            lastWordMicroseconds = at;
            block[count++] = value;
            if (expected == 0)
            {
                expected = peripheral.CommandLength(block, count);
                if (expected < 0 || (expected > 0 && (expected < count || expected > MdbWord.MaxBlock)))
                {
                    Unknown();
                    return;
                }
            }

            if (expected <= 0 || count < expected)
            {
                return;
            }

            collecting = false;

            // Too late to answer (the VMC has timed out, §2.5): the block is still executed and its answer kept, but
            // nothing is sent. The VMC repeats the command; the repeat is answered at once from what was kept (a data
            // block at the next POLL, or the same answer to the same command) — cheap, so it meets the limit.
            late = now - at > ResponseLimitMicroseconds;
            if (late)
            {
                LateAnswers++;
            }

            if (MdbWord.Checksum(block, 0, count - 1) != block[count - 1])
            {
                ChecksumErrors++;
                previousLength = 0;
                SendSingle(MdbWord.Nak);
                return;
            }

            BlocksReceived++;
            OnBlock();
            late = false;
        }

        private void Unknown()
        {
            UnknownCommands++;
            collecting = false;
            previousLength = 0;
        }

        private void OnBlock()
        {
            if (peripheral.IsPoll(block))
            {
                previousLength = 0;
                if (resendAtPoll)
                {
                    DataResent++;
                    SendData();
                    return;
                }

                Answer(peripheral.OnCommand(block, count, reply));
                return;
            }

            if (count == previousLength && Same(block, previous, count))
            {
                RepeatedCommands++;
                if (previousAnsweredWithData)
                {
                    SendData();
                }
                else if (previousAnswer == MdbWord.Ack)
                {
                    SendSingle(MdbWord.Ack);
                }

                return;
            }

            if (resendAtPoll)
            {
                // The VMC went on with another command: it has our data (its ACK was lost) or gave up on it.
                resendAtPoll = false;
                DataDroppedUnacknowledged++;
            }

            for (int i = 0; i < count; i++)
            {
                previous[i] = block[i];
            }

            previousLength = count;
            int length = peripheral.OnCommand(block, count, reply);
            previousAnsweredWithData = length > 0;
            previousAnswer = length == 0 ? MdbWord.Ack : MdbWord.Nak;
            if (length < 0)
            {
                UnknownCommands++;
            }

            Answer(length);
        }

        private void Answer(int length)
        {
            if (length == 0)
            {
                SendSingle(MdbWord.Ack);
                return;
            }

            if (length < 0 || length >= MdbWord.MaxBlock)
            {
                return;
            }

            for (int i = 0; i < length; i++)
            {
                sent[i] = reply[i];
            }

            sent[length] = MdbWord.Checksum(sent, 0, length);
            sentLength = length + 1;
            SendData();
        }

        /// <summary>Sends the kept data block, or keeps it for the next POLL when the answer would be late.</summary>
        private void SendData()
        {
            if (late)
            {
                awaitingAck = false;
                resendAtPoll = true;
                return;
            }

            awaitingAck = true;
            resendAtPoll = false;
            uart.Write(sent, 0, sentLength);
        }

        private void SendSingle(byte value)
        {
            if (late)
            {
                return;
            }

            single[0] = value;
            uart.Write(single, 0, 1);
        }

        private static bool Same(byte[] a, byte[] b, int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
