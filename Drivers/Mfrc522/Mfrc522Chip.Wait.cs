namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>Waiting for the end of an exchange (IRQ line or pipelined status reads, bounded by the chip timer) and collecting the answer from the FIFO.</summary>
    public sealed partial class Mfrc522Chip
    {
        /// <summary>
        /// Waits for one of <paramref name="doneMask"/> in ComIrqReg or TimerIRq. With the IRQ line, the wait is GPIO
        /// reads (no SPI traffic) ended by the chip's own timer; without it, one pipelined status read per check.
        /// Bounded three ways: the chip timer, a wall-clock limit (timer + margin) and read counts. A wait that
        /// outlives the chip timer means the chip is not working: ChipFault.
        /// </summary>
        private ReaderResult WaitFor(byte doneMask, int timeoutTicks)
        {
            long start = pins.MonotonicMilliseconds;
            long timerMilliseconds = (timeoutTicks * Mfrc522Options.TimerTickMicroseconds) / 1000 + 1;
            long limit = timerMilliseconds + options.WaitMarginMilliseconds;

            // The line is watched only as long as the chip timer can run: past it, a status read tells whether the
            // line failed (the exchange is over) or the chip did; spinning to the full limit would cost a dead line
            // 7 ms per exchange while the driver learns it is dead.
            long lineLimit = timerMilliseconds + 1;

            // Without the IRQ line each check is one transfer (≥ one 50 µs tick on the device), so a long timer
            // needs proportionally more reads before it can have fired; the wall-clock limit still bounds the wait.
            int maxReads = options.MaxStatusReads + (irqLineUsable ? 0 : 4 * timeoutTicks);
            int maxSpins = options.MaxIrqLineReads;
            IReaderPins line = pins;
            int statusLength = statusReadTx.Length;
            for (int reads = 0; reads < maxReads; reads++)
            {
                bool lineSeen = false;
                if (irqLineUsable)
                {
                    for (int spins = 0; spins < maxSpins; spins++)
                    {
                        if (line.IrqAsserted)
                        {
                            lineSeen = true;
                            break;
                        }

                        if ((spins & 0x0F) == 0x0F && line.MonotonicMilliseconds - start > lineLimit)
                        {
                            break;
                        }
                    }
                }

                // One pipelined read of the six status registers (§8.1.2.1): rx[i + 1] answers tx[i].
                System.Array.Copy(statusReadTx, tx, statusLength);
                Transfer(statusLength);
                comIrq = rx[1];
                error = rx[2];
                status2 = rx[3];
                fifoLevel = rx[4];
                control = rx[5];
                coll = rx[6];

                bool done = (comIrq & doneMask) != 0;
                if (done || (comIrq & TimerIrq) != 0)
                {
                    NoteIrqLine(lineSeen);
                    consecutiveChipFaults = 0;
                    return done ? ReaderResult.Ok : ReaderResult.Timeout;
                }

                if (pins.MonotonicMilliseconds - start > limit)
                {
                    break;
                }
            }

            return ChipFault();
        }

        /// <summary>The line should have been seen before every completed wait; three misses in a row mean it is not
        /// wired (or broken), and waits fall back to status polling instead of spinning to the time limit.</summary>
        private void NoteIrqLine(bool lineSeen)
        {
            if (!irqLineUsable)
            {
                return;
            }

            if (lineSeen)
            {
                irqLineMisses = 0;
            }
            else if (++irqLineMisses >= 3)
            {
                irqLineUsable = false;
            }
        }

        private ReaderResult CollectAnswer(byte[] response, int responseOffset, int responseCapacity)
        {
            int level = fifoLevel & 0x7F;
            if ((error & (WrErr | TempErr)) != 0)
            {
                // TempErr: the chip switched its antenna drivers off because it overheated (§9.3.1.7).
                if ((error & TempErr) != 0)
                {
                    Overheats++;
                }

                AfterFailure();
                return ChipFault();
            }

            if ((error & BufferOvfl) != 0 || level > responseCapacity || responseOffset + level > response.Length)
            {
                AfterFailure();
                fifoMayHoldData = true;
                return (error & BufferOvfl) != 0 ? ReaderResult.Protocol : ReaderResult.BufferTooSmall;
            }

            if (level > 0)
            {
                ReadFifo(response, responseOffset, level);
            }

            responseLength = level;
            responseLastBits = control & 0x07;

            if ((error & CollErr) != 0)
            {
                int position = coll & 0x1F;
                collisionPosition = (coll & CollPosNotValid) != 0 ? 0 : (position == 0 ? 32 : position);
                AfterFailure();
                return ReaderResult.Collision;
            }

            if (level == 1 && responseLastBits == 4)
            {
                // A 4-bit ACK/NAK carries no CRC; with RxCRCEn on the chip flags it anyway (§9.3.1.7 CRCErr).
                return ReaderResult.Ok;
            }

            if ((error & CrcErr) != 0)
            {
                AfterFailure();
                return ReaderResult.Crc;
            }

            if ((error & (ParityErr | ProtocolErr)) != 0 || level == 0)
            {
                AfterFailure();
                return ReaderResult.Protocol;
            }

            return ReaderResult.Ok;
        }

        private ReaderResult ChipFault()
        {
            ChipFaults++;
            consecutiveChipFaults++;
            return ReaderResult.ChipFault;
        }
    }
}
