using System;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>Commands in ACTIVE/AUTHENTICATED: READ, WRITE and the value operations, each checked against the access conditions.</summary>
    public sealed partial class ClassicCard
    {
        protected override CardAnswer ReceiveInActive(ReaderFrame frame)
        {
            if (pendingWriteBlock >= 0)
            {
                return WriteSecondPart(frame);
            }

            if (pendingValueBlock >= 0)
            {
                return ValueSecondPart(frame);
            }

            if (!frame.HasValidCrc)
            {
                // Transmission error: NAK and fall back, as a Classic card does after any error.
                Fallback();
                return CardAnswer.Nibble(NakTransmissionError);
            }

            byte command = frame.Data[0];
            if (!CryptoSession)
            {
                // Without authentication only AUTH (via MFAuthent) and HLTA are valid (MF1S50 Fig. 5).
                Fallback();
                return command is CommandRead or CommandWrite ? CardAnswer.Nibble(NakInvalidOperation) : null;
            }

            if (frame.PayloadLength == 2 && command == CommandRead)
            {
                return Read(frame.Data[1]);
            }

            if (frame.PayloadLength == 2 && command == CommandWrite)
            {
                int block = frame.Data[1];
                if (!CanWrite(block))
                {
                    Fallback();
                    return CardAnswer.Nibble(NakInvalidOperation);
                }

                pendingWriteBlock = block;
                return CardAnswer.Nibble(Ack);
            }

            if (frame.PayloadLength == 2 && command is CommandIncrement or CommandDecrement or CommandRestore)
            {
                int block = frame.Data[1];
                int[] table = command == CommandIncrement ? DataIncrement : DataDecrementTransferRestore;
                if (!InSession(block) || IsTrailer(block) || !Allowed(table, SectorOfBlock(block), AccessGroup(block)) || !TryReadValue(block, out _))
                {
                    Fallback();
                    return CardAnswer.Nibble(NakInvalidOperation);
                }

                pendingValueBlock = block;
                pendingValueCommand = command;
                return CardAnswer.Nibble(Ack);
            }

            if (frame.PayloadLength == 2 && command == CommandTransfer)
            {
                int block = frame.Data[1];
                if (!transferBufferValid || !InSession(block) || IsTrailer(block) || block == 0
                    || !Allowed(DataDecrementTransferRestore, SectorOfBlock(block), AccessGroup(block)))
                {
                    Fallback();
                    return CardAnswer.Nibble(NakInvalidOperation);
                }

                WriteValue(block, transferBuffer);
                transferBufferValid = false;
                Writes++;
                return CardAnswer.Nibble(Ack);
            }

            Fallback();
            return CardAnswer.Nibble(NakInvalidOperation);
        }

        /// <summary>Second part of INC/DEC/RESTORE: the 4-byte operand; no answer on success (MF1S50 §9.4).</summary>
        private CardAnswer ValueSecondPart(ReaderFrame frame)
        {
            int block = pendingValueBlock;
            pendingValueBlock = -1;
            if (!frame.HasValidCrc || frame.PayloadLength != 4)
            {
                Fallback();
                return CardAnswer.Nibble(NakTransmissionError);
            }

            TryReadValue(block, out int value);
            int operand = frame.Data[0] | (frame.Data[1] << 8) | (frame.Data[2] << 16) | (frame.Data[3] << 24);
            transferBuffer = pendingValueCommand == CommandIncrement ? value + operand
                : pendingValueCommand == CommandDecrement ? value - operand
                : value;
            transferBufferValid = true;
            return null;
        }

        /// <summary>Value block format (MF1S50 §8.6.2.1): value, ~value, value (LSB first), then addr, ~addr, addr, ~addr.</summary>
        public bool TryReadValue(int block, out int value)
        {
            int o = block * 16;
            value = this.memory[o] | (this.memory[o + 1] << 8) | (this.memory[o + 2] << 16) | (this.memory[o + 3] << 24);
            for (int i = 0; i < 4; i++)
            {
                if (this.memory[o + i] != this.memory[o + 8 + i] || this.memory[o + i] != (byte)~this.memory[o + 4 + i])
                {
                    return false;
                }
            }

            return this.memory[o + 12] == this.memory[o + 14] && this.memory[o + 13] == this.memory[o + 15] && this.memory[o + 12] == (byte)~this.memory[o + 13];
        }

        /// <summary>Writes a value block (test setup and TRANSFER); the address byte is kept when already valid.</summary>
        public void WriteValue(int block, int value, byte? address = null)
        {
            int o = block * 16;
            byte addr = address ?? (TryReadValue(block, out _) ? this.memory[o + 12] : (byte)block);
            for (int i = 0; i < 4; i++)
            {
                byte b = (byte)(value >> (8 * i));
                this.memory[o + i] = b;
                this.memory[o + 4 + i] = (byte)~b;
                this.memory[o + 8 + i] = b;
            }

            this.memory[o + 12] = addr;
            this.memory[o + 13] = (byte)~addr;
            this.memory[o + 14] = addr;
            this.memory[o + 15] = (byte)~addr;
        }

        private bool InSession(int block) => block < BlockCount && SectorOfBlock(block) == authSector;

        private CardAnswer Read(int block)
        {
            if (!InSession(block))
            {
                Fallback();
                return CardAnswer.Nibble(NakInvalidOperation);
            }

            int sector = SectorOfBlock(block);
            var data = ReadBlockRaw(block);
            if (IsTrailer(block))
            {
                if (sectorBlocked[sector] || KeyBRefused(sector))
                {
                    Fallback();
                    return CardAnswer.Nibble(NakInvalidOperation);
                }

                int code = AccessCode(sector, 3);
                // Key A is never readable; unreadable parts read as zeros (MF1S50 §8.7.3).
                Array.Clear(data, 0, 6);
                if ((TrailerAccessRead[code] & SessionKey) == 0)
                {
                    Array.Clear(data, 6, 4);
                }

                if ((TrailerKeyBRead[code] & SessionKey) == 0)
                {
                    Array.Clear(data, 10, 6);
                }
            }
            else if (!Allowed(DataRead, sector, AccessGroup(block)))
            {
                Fallback();
                return CardAnswer.Nibble(NakInvalidOperation);
            }

            return CardAnswer.WithCrc(data);
        }

        private bool CanWrite(int block)
        {
            if (!InSession(block) || block == 0)
            {
                // Block 0 (manufacturer block) is read-only on genuine cards.
                return false;
            }

            int sector = SectorOfBlock(block);
            if (IsTrailer(block))
            {
                if (sectorBlocked[sector] || KeyBRefused(sector))
                {
                    return false;
                }

                int code = AccessCode(sector, 3);
                return ((TrailerKeyAWrite[code] | TrailerAccessWrite[code] | TrailerKeyBWrite[code]) & SessionKey) != 0;
            }

            return Allowed(DataWrite, sector, AccessGroup(block));
        }

        private CardAnswer WriteSecondPart(ReaderFrame frame)
        {
            int block = pendingWriteBlock;
            pendingWriteBlock = -1;
            if (!frame.HasValidCrc || frame.PayloadLength != 16)
            {
                Fallback();
                return CardAnswer.Nibble(NakTransmissionError);
            }

            int offset = block * 16;
            if (IsTrailer(block))
            {
                int sector = SectorOfBlock(block);
                int code = AccessCode(sector, 3);
                int key = SessionKey;
                // Each part of the trailer is written only where the access conditions allow it.
                if ((TrailerKeyAWrite[code] & key) != 0)
                {
                    Array.Copy(frame.Data, 0, this.memory, offset, 6);
                }

                if ((TrailerAccessWrite[code] & key) != 0)
                {
                    Array.Copy(frame.Data, 6, this.memory, offset + 6, 4);
                }

                if ((TrailerKeyBWrite[code] & key) != 0)
                {
                    Array.Copy(frame.Data, 10, this.memory, offset + 10, 6);
                }

                if (!AccessBitsValid(sector))
                {
                    // §8.7.1: a format violation of the access bits blocks the sector irreversibly.
                    sectorBlocked[sector] = true;
                }
            }
            else
            {
                Array.Copy(frame.Data, 0, this.memory, offset, 16);
            }

            Writes++;
            return CardAnswer.Nibble(Ack);
        }
    }
}
