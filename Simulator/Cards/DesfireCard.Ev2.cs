using System;
using System.Collections.Generic;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>AuthenticateEV2First (71h + AFh), EV2 session keys, ReadData in CommMode.Plain or MAC (MACt, CmdCtr, TI).</summary>
    public sealed partial class DesfireCard
    {

        private byte[] AuthenticateEv2First(byte[] command)
        {
            ResetSession();
            if (command.Length < 3)
            {
                return Status(0x7E);
            }

            int keyNo = command[1];
            if (this.selected == null || keyNo >= 14 || this.selected.Keys[keyNo] == null)
            {
                return Status(0x40); // NO_SUCH_KEY
            }

            this.authKey = keyNo;
            this.rndB = new byte[16];
            this.random.NextBytes(this.rndB);
            this.authStep = 1;
            return Status(0xAF, AesEcb(this.selected.Keys[keyNo], this.rndB, true));
        }

        private byte[] AuthenticateEv2Second(byte[] command)
        {
            this.authStep = 0;
            if (command.Length != 33) { FailedAuthentications++; return Status(0x7E); }
            byte[] key = this.selected.Keys[this.authKey];
            var enc = new byte[32];
            Array.Copy(command, 1, enc, 0, 32);
            byte[] plain = AesCbc(key, new byte[16], enc, false);
            for (int i = 0; i < 16; i++)
            {
                if (plain[16 + i] != this.rndB[(i + 1) % 16]) { FailedAuthentications++; return Status(0xAE); } // AUTHENTICATION_ERROR
            }

            var rndA = plain[..16];
            this.ti = new byte[4];
            this.random.NextBytes(this.ti);
            var answer = new byte[32];
            Array.Copy(this.ti, answer, 4);
            for (int i = 0; i < 16; i++)
            {
                answer[4 + i] = rndA[(i + 1) % 16];
            }

            byte[] sv1 = SessionVector(0xA5, 0x5A, rndA, this.rndB), sv2 = SessionVector(0x5A, 0xA5, rndA, this.rndB);
            this.sesEnc = Cmac(key, sv1);
            this.sesMac = Cmac(key, sv2);
            this.cmdCtr = 0;
            this.authenticated = true;
            this.authenticatedKey = this.authKey;
            Authentications++;
            return Status(0x00, AesCbc(key, new byte[16], answer, true));
        }

        private static byte[] SessionVector(byte a, byte b, byte[] rndA, byte[] rndB)
        {
            var sv = new byte[32];
            sv[0] = a; sv[1] = b; sv[2] = 0x00; sv[3] = 0x01; sv[4] = 0x00; sv[5] = 0x80;
            sv[6] = rndA[0]; sv[7] = rndA[1];
            for (int i = 0; i < 6; i++)
            {
                sv[8 + i] = (byte)(rndA[2 + i] ^ rndB[i]);
            }

            Array.Copy(rndB, 6, sv, 14, 10);
            Array.Copy(rndA, 8, sv, 24, 8);
            return sv;
        }

        private byte[] ReadData(byte[] command)
        {
            // AD FileNo Offset(3) Length(3) [MACt(8) in CommMode.MAC/Full after EV2 authentication].
            if (this.selected == null || command.Length < 8)
            {
                return Status(0x7E);
            }

            if (!this.selected.Files.TryGetValue(command[1], out var file))
            {
                return Status(0xF0); // FILE_NOT_FOUND
            }

            int offset = command[2] | (command[3] << 8) | (command[4] << 16);
            int length = command[5] | (command[6] << 8) | (command[7] << 16);
            if (length == 0)
            {
                length = file.Data.Length - offset;
            }

            if (offset < 0 || offset + length > file.Data.Length || length < 0)
            {
                return Status(0xBE); // BOUNDARY_ERROR
            }

            if (file.CommMode == 0)
            {
                return Status(0x00, file.Data[offset..(offset + length)]);
            }

            if (!this.authenticated || !(MayUse(file.ReadKey) || MayUse(file.ReadWriteKey))) { ResetSession(); return Status(0xAE); }
            if (this.ev1Session)
            {
                return ReadDataEv1(command, file.Data[offset..(offset + length)]);
            }

            if (command.Length != 16) { ResetSession(); return Status(0x7E); }
            var macInput = new List<byte> { 0xAD, (byte)this.cmdCtr, (byte)(this.cmdCtr >> 8) };
            macInput.AddRange(this.ti);
            macInput.AddRange(command[1..8]);
            byte[] expected = MacT(this.sesMac, macInput.ToArray());
            for (int i = 0; i < 8; i++)
            {
                if (command[8 + i] != expected[i]) { ResetSession(); return Status(0x1E); } // INTEGRITY_ERROR
            }

            this.cmdCtr++;
            byte[] data = file.Data[offset..(offset + length)];
            var response = new List<byte> { 0x00, (byte)this.cmdCtr, (byte)(this.cmdCtr >> 8) };
            response.AddRange(this.ti);
            response.AddRange(data);
            byte[] mac = MacT(this.sesMac, response.ToArray());
            var reply = new byte[data.Length + 8];
            Array.Copy(data, reply, data.Length);
            Array.Copy(mac, 0, reply, data.Length, 8);
            return Status(0x00, reply);
        }
    }
}
