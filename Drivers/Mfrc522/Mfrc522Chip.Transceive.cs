namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>
    /// Transceive (§10.3.1.8), the exchange every card frame goes through: its short path (ready-made transfer buffers,
    /// the usual ends of the wait written out, the plain answer collected without ErrorReg decoding) and the way back
    /// to the general code for everything else (Mfrc522Chip.Wait.cs).
    /// </summary>
    public sealed partial class Mfrc522Chip
    {
        /// <summary>
        /// Transceive (§10.3.1.8): sends <paramref name="count"/> bytes (the last one with <paramref name="txLastBits"/>
        /// bits, 0 = 8) and receives the answer into <paramref name="response"/>, its first bit stored at bit
        /// <paramref name="rxAlign"/> of the first byte (§9.3.1.14). Ends on RxIRq or the chip timer.
        /// Results: Ok, Timeout, Collision (data up to the collision is in the buffer, see
        /// <see cref="CollisionPosition"/>), Crc, Protocol (parity/framing), BufferTooSmall, ChipFault.
        /// A 4-bit answer (MIFARE ACK/NAK) is returned as Ok with <see cref="ResponseLastBits"/> = 4.
        /// </summary>
        public ReaderResult Transceive(byte[] frame, int offset, int count, int txLastBits, int rxAlign, int timeoutTicks,
            byte[] response, int responseOffset, int responseCapacity)
        {
            // Unsigned comparisons: one test catches both ends of each range.
            if ((uint)(count - 1) >= FifoSize || (uint)txLastBits > 7 || (uint)rxAlign > 7)
            {
                return NoAnswer(ReaderResult.InvalidArgument);
            }

            return TransceiveFrame(frame, offset, count, (rxAlign << 4) | txLastBits, timeoutTicks, response, responseOffset, responseCapacity);
        }

        /// <summary>
        /// <see cref="Transceive"/> for the protocol layers of this assembly, which pass valid arguments by construction
        /// (1 ≤ <paramref name="count"/> ≤ 64, <paramref name="framing"/> = RxAlign &lt;&lt; 4 | TxLastBits, each 0..7, as
        /// BitFramingReg holds them): no argument checks on the path every exchange takes.
        /// </summary>
        internal ReaderResult TransceiveFrame(byte[] frame, int offset, int count, int framing, int timeoutTicks,
            byte[] response, int responseOffset, int responseCapacity)
        {
            if (fifoMayHoldData || !transceiveRunning)
            {
                PrepareCommand();
            }

            if (timeoutTicks != timerReload)
            {
                SetTimeout(timeoutTicks);
            }

            // ComIrq clear, BitFraming, FIFO and StartSend below, and the wait's first status read (5 transfers, count + 14
            // bytes) are counted at once where the exchange leaves: with the FIFO read on the plain answer (one update of
            // each counter instead of two), before the general code otherwise. A bus exception between them leaves them
            // uncounted; the caller then recovers the chip (CardReader: recoveryNeeded), which the counters do record.
            IRegisterBus spi = bus;
            byte[] received = rx;
            spi.Transfer(clearIrqTx, writeRx, 2);

            // StartSend must be 0 while the FIFO fills, or the chip could start sending a partial frame.
            if (framing != lastFraming)
            {
                lastFraming = framing;
                framingTx[1] = (byte)framing;
                startSendTx[1] = (byte)(framing | StartSend);
            }

            if (bitFramingZero && framing == 0)
            {
                // The register already holds it (after a reset or MFAuthent): one transfer fewer than counted.
                transfers--;
                transferredBytes -= 2;
            }
            else
            {
                spi.Transfer(framingTx, writeRx, 2);
            }

            System.Array.Copy(frame, offset, fifoWriteTx, 1, count);
            spi.Transfer(fifoWriteTx, received, count + 1);
            if (!transceiveRunning)
            {
                WriteReady(commandTransceiveTx);
                transceiveRunning = true;
                commandMayBeActive = true;
            }

            spi.Transfer(startSendTx, writeRx, 2);
            bitFramingZero = false;

            // WaitFor's usual cases, written out: the IRQ line says the exchange ended, and the status read says RxIRq
            // (answered) or TimerIRq (silence). Otherwise the bounded wait goes on with this read counted.
            int readsDone = 0;
            if (irqLineUsable && pins.IrqAsserted)
            {
                byte[] status = statusRx;
                spi.Transfer(statusReadTx, status, 7);
                int irq = status[StatusComIrq];
                if ((irq & RxIrq) != 0)
                {
                    irqLineMisses = 0;
                    consecutiveChipFaults = 0;

                    // The plain answer: no error bit, a few bytes that fit. Everything else goes through CollectAnswer.
                    int level = status[StatusFifoLevel] & 0x7F;
                    if (status[StatusError] == 0 && level != 0 && level <= responseCapacity && responseOffset + level <= response.Length)
                    {
                        transfers += 6;
                        transferredBytes += count + level + 15;
                        byte[] addresses = fifoReadTx;
                        addresses[level] = 0; // the closing byte of a read (§8.1.2.1), for this read only
                        spi.Transfer(addresses, received, level + 1);
                        addresses[level] = FifoReadAddress;
                        System.Array.Copy(received, 1, response, responseOffset, level);
                        responseLength = level;
                        responseLastBits = status[StatusControl] & 0x07;
                        collisionPosition = 0;
                        return ReaderResult.Ok;
                    }

                    transfers += 5;
                    transferredBytes += count + 14;
                    return CollectAnswer(response, responseOffset, responseCapacity);
                }

                transfers += 5;
                transferredBytes += count + 14;
                if ((irq & TimerIrq) != 0)
                {
                    irqLineMisses = 0;
                    consecutiveChipFaults = 0;
                    AfterFailure();
                    return NoAnswer(ReaderResult.Timeout);
                }

                readsDone = 1;
            }
            else
            {
                transfers += 5;
                transferredBytes += count + 14;
            }

            return WaitAndCollect(timeoutTicks, readsDone, response, responseOffset, responseCapacity);
        }

        /// <summary>The rest of an exchange when the IRQ line and the first status read did not show an answer at once:
        /// the line was not asserted yet (or is not used), or the status says TimerIRq or something else.</summary>
        private ReaderResult WaitAndCollect(int timeoutTicks, int readsDone, byte[] response, int responseOffset, int responseCapacity)
        {
            ReaderResult waited = WaitLonger(RxIrq, timeoutTicks, readsDone);
            if (waited != ReaderResult.Ok)
            {
                AfterFailure();
                return NoAnswer(waited);
            }

            return CollectAnswer(response, responseOffset, responseCapacity);
        }

        /// <summary>Reads <paramref name="count"/> (1..64) FIFO bytes into rx[1..count] in one transfer; the closing byte of a
        /// read is 00h (§8.1.2.1), put in place for this read only.</summary>
        private void ReadFifoRaw(int count)
        {
            transfers++;
            transferredBytes += count + 1;
            byte[] addresses = fifoReadTx;
            addresses[count] = 0;
            bus.Transfer(addresses, rx, count + 1);
            addresses[count] = FifoReadAddress;
        }

        /// <summary>The result of an exchange that placed nothing in the caller's buffer.</summary>
        private ReaderResult NoAnswer(ReaderResult result)
        {
            responseLength = 0;
            responseLastBits = 0;
            collisionPosition = 0;
            return result;
        }
    }
}
