namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>Waiting for the end of an exchange (IRQ line or pipelined status reads, bounded by the chip timer) and collecting the answer from the FIFO.</summary>
    public sealed partial class Mfrc522Chip
    {
        /// <summary>
        /// Waits for one of <paramref name="doneMask"/> in ComIrqReg or TimerIRq; the status registers are then in
        /// <see cref="statusRx"/>. With the IRQ line, the wait is GPIO reads (no SPI traffic) ended by the chip's own
        /// timer; without it, one pipelined status read per check. Bounded three ways: the chip timer, a wall-clock limit
        /// (timer + margin) and read counts. A wait that outlives the chip timer means the chip is not working: ChipFault.
        /// The caller has counted the first status read (it counts an exchange's fixed transfers at once).
        /// </summary>
        private ReaderResult WaitFor(byte doneMask, int timeoutTicks)
        {
            // The usual case costs one GPIO read and one status read: by the time the frame is sent the line often says
            // the command ended already (a card answers ~91 µs after the frame, ISO/IEC 14443-3 §6.2.1.1), and the
            // wait's bounds are only computed when it did not.
            if (irqLineUsable && pins.IrqAsserted)
            {
                bus.Transfer(statusReadTx, statusRx, 7);
                int irq = statusRx[StatusComIrq];
                if ((irq & (doneMask | TimerIrq)) != 0)
                {
                    irqLineMisses = 0;
                    consecutiveChipFaults = 0;
                    return (irq & doneMask) != 0 ? ReaderResult.Ok : ReaderResult.Timeout;
                }

                // The line was asserted for something else (or glitched): wait as below, this read counted.
                return WaitLonger(doneMask, timeoutTicks, 1);
            }

            return WaitLonger(doneMask, timeoutTicks, 0);
        }

        /// <summary>The bounded wait of <see cref="WaitFor"/> once the line did not end it at the first look;
        /// <paramref name="readsDone"/> status reads were made already (the first one counted by the caller).</summary>
        private ReaderResult WaitLonger(byte doneMask, int timeoutTicks, int readsDone)
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
            for (int reads = readsDone; reads < maxReads; reads++)
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

                // One pipelined read of the six status registers (§8.1.2.1): statusRx[i + 1] answers statusReadTx[i].
                if (reads > 0)
                {
                    transfers++;
                    transferredBytes += statusLength;
                }

                bus.Transfer(statusReadTx, statusRx, statusLength);
                int irq = statusRx[StatusComIrq];
                bool done = (irq & doneMask) != 0;
                if (done || (irq & TimerIrq) != 0)
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

        /// <summary>The answer of a Transceive that is not the plain case (an error bit, an empty or oversized FIFO):
        /// §9.3.1.7 ErrorReg decoded in the order that keeps the most telling result.</summary>
        private ReaderResult CollectAnswer(byte[] response, int responseOffset, int responseCapacity)
        {
            byte error = statusRx[StatusError];
            int level = statusRx[StatusFifoLevel] & 0x7F;
            responseLength = 0;
            responseLastBits = 0;
            collisionPosition = 0;
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
            responseLastBits = statusRx[StatusControl] & 0x07;

            if ((error & CollErr) != 0)
            {
                int coll = statusRx[StatusColl];
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
