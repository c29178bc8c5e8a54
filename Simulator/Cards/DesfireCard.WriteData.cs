using System;
using System.Collections.Generic;
using System.Linq;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// WriteData (3Dh) on the card side, with DESFire additional frames: the first frame carries 3D ‖ file ‖ offset ‖ length
    /// and the start of the data; the card knows from the file's communication mode how many bytes the whole command holds
    /// (data, + 8 MAC bytes, or data + CRC32 padded to 16 bytes enciphered) and answers AFh until it has them, each
    /// continuation frame being AF ‖ next part; then it checks the MAC or CRC over the whole command and writes. A frame
    /// longer than <see cref="MaxNativeFrame"/> (the 55-byte wrapped limit of the DESFire functional specification), more
    /// bytes than the command holds, or any other command before the last part: 7Eh LENGTH_ERROR, or the write abandoned.
    /// In this model a standard data file is written only once the whole command is in (a tear between frames writes
    /// nothing).
    /// </summary>
    public sealed partial class DesfireCard
    {
        /// <summary>Longest native frame (command byte and data) the card takes: 50 bytes, 55 ISO 7816-4 wrapped.</summary>
        public const int MaxNativeFrame = 50;

        private List<byte> pendingWrite;
        private int pendingWriteLength;

        /// <summary>WriteData commands that took more than one frame (for tests).</summary>
        public int ChainedWrites { get; private set; }

        /// <summary>Called for every command: a write waiting for its next part is abandoned by anything but AFh.</summary>
        private byte[] ContinuePendingWrite(byte[] command)
        {
            if (this.pendingWrite == null)
            {
                return null;
            }

            if (command[0] != 0xAF)
            {
                this.pendingWrite = null;
                return null;
            }

            if (command.Length > MaxNativeFrame || this.pendingWrite.Count + command.Length - 1 > this.pendingWriteLength)
            {
                this.pendingWrite = null;
                return Fail(0x7E);
            }

            this.pendingWrite.AddRange(command.Skip(1));
            if (this.pendingWrite.Count < this.pendingWriteLength)
            {
                return Status(0xAF);
            }

            byte[] whole = this.pendingWrite.ToArray();
            this.pendingWrite = null;
            ChainedWrites++;
            return CompleteWrite(whole);
        }

        private byte[] WriteData(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }
            if (command.Length < 8 || command.Length > MaxNativeFrame)
            {
                return Fail(0x7E);
            }
            if (this.selected == null || !this.selected.Files.TryGetValue(command[1], out var file))
            {
                return Fail(0xF0);
            }
            int length = command[5] | (command[6] << 8) | (command[7] << 16);
            bool freeAccess = file.WriteKey == 0x0E || file.ReadWriteKey == 0x0E;
            if (!freeAccess && !this.authenticated)
            {
                return Fail(0xAE);
            }
            if (!MayUse(file.WriteKey) && !MayUse(file.ReadWriteKey))
            {
                return Fail(0x9D);
            }
            int mode = freeAccess && !this.authenticated ? 0 : file.CommMode;
            int whole = 8 + (mode == 1 ? length + 8 : mode == 3 ? (length + 4 + 15) / 16 * 16 : length);
            if (command.Length > whole)
            {
                return Fail(0x7E);
            }
            if (command.Length < whole)
            {
                this.pendingWrite = new List<byte>(command);
                this.pendingWriteLength = whole;
                return Status(0xAF);
            }

            return CompleteWrite(command);
        }

        /// <summary>The whole WriteData command (3D ‖ header ‖ data and its MAC or cryptogram), checked and written.</summary>
        private byte[] CompleteWrite(byte[] command)
        {
            var file = this.selected.Files[command[1]];
            int offset = command[2] | (command[3] << 8) | (command[4] << 16);
            int length = command[5] | (command[6] << 8) | (command[7] << 16);
            bool freeAccess = file.WriteKey == 0x0E || file.ReadWriteKey == 0x0E;
            int mode = freeAccess && !this.authenticated ? 0 : file.CommMode;
            byte[] header = command[..8];
            byte[] data;
            switch (mode)
            {
                case 1:
                    if (command.Length != 8 + length + 8)
                    {
                        return Fail(0x7E);
                    }
                    byte[] expected = ChainedCmac(this.ev1Key, this.ev1Iv, command[..(8 + length)]);
                    if (!expected[..8].SequenceEqual(command[(8 + length)..]))
                    {
                        return Fail(0x1E);
                    }
                    this.ev1Iv = expected;
                    data = command[8..(8 + length)];
                    break;
                case 3:
                    int padded = (length + 4 + 15) / 16 * 16;
                    if (command.Length != 8 + padded)
                    {
                        return Fail(0x7E);
                    }
                    byte[] cipher = command[8..];
                    byte[] plain = AesCbc(this.ev1Key, this.ev1Iv, cipher, false);
                    this.ev1Iv = cipher[^16..];
                    data = plain[..length];
                    if (!Crc32(header.Concat(data).ToArray()).SequenceEqual(plain[length..(length + 4)]) || plain[(length + 4)..].Any(b => b != 0))
                    {
                        return Fail(0x1E);
                    }

                    break;
                default:
                    if (command.Length != 8 + length)
                    {
                        return Fail(0x7E);
                    }
                    ChainCommand(command);
                    data = command[8..];
                    break;
            }

            if (length == 0 || offset + length > file.Data.Length)
            {
                return Fail(0xBE); // BOUNDARY_ERROR
            }
            Array.Copy(data, 0, file.Data, offset, length);
            return Success(null);
        }
    }
}
