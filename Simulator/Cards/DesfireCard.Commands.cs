using System;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>The DESFire command dispatcher: ISO 7816-4 unwrapping (CLA 90h), native codes, the status byte.</summary>
    public sealed partial class DesfireCard
    {

        /// <summary>DESFire native command set subset (NXP MF3D(H)x2) and its ISO 7816-4 wrapping (CLA 90h).</summary>
        private byte[] Process(byte[] inf)
        {
            if (inf.Length >= 5 && inf[0] == 0x90)
            {
                int lc = inf.Length > 5 ? inf[4] : 0;
                if (inf.Length != 5 && inf.Length != 6 + lc)
                {
                    return new byte[] { 0x67, 0x00 }; // wrong length
                }

                var native = new byte[1 + lc];
                native[0] = inf[1];
                if (lc > 0)
                {
                    Array.Copy(inf, 5, native, 1, lc);
                }

                byte[] reply = ProcessNative(native);
                // Wrapped answer: data, then 91h + DESFire status.
                var wrapped = new byte[reply.Length + 1];
                Array.Copy(reply, 1, wrapped, 0, reply.Length - 1);
                wrapped[reply.Length - 1] = 0x91;
                wrapped[reply.Length] = reply[0];
                return wrapped;
            }

            if (inf.Length >= 1 && inf[0] == 0x00)
            {
                return new byte[] { 0x6D, 0x00 }; // ISO 7816 INS not supported
            }

            return ProcessNative(inf);
        }

        private static byte[] Status(byte status, byte[] data = null)
        {
            var r = new byte[1 + (data?.Length ?? 0)];
            r[0] = status;
            if (data != null)
            {
                Array.Copy(data, 0, r, 1, data.Length);
            }

            return r;
        }

        private byte[] ProcessNative(byte[] command)
        {
            if (command.Length == 0)
            {
                return Status(0x7E); // length error
            }

            byte code = command[0];
            byte[] continued = ContinuePendingWrite(command);
            if (continued != null)
            {
                return continued;
            }

            if (this.authStep == 1 && code == 0xAF)
            {
                return AuthenticateEv2Second(command);
            }

            if (this.authStep == 2 && code == 0xAF)
            {
                return AuthenticateAesSecond(command);
            }

            if (this.authStep == 3 && code == 0xAF)
            {
                return AuthenticateLegacySecond(command);
            }

            this.authStep = 0;
            switch (code)
            {
                case 0x60:
                    this.versionStep = 1;
                    // Hardware: vendor NXP, type DESFire, subtype, major version (EV1 01h, EV2 12h), minor, 4 KB, ISO 14443-2/3.
                    return new byte[] { 0xAF, 0x04, 0x01, 0x01, HardwareMajorVersion, 0x00, 0x18, 0x05 };
                case 0xAF when this.versionStep == 1:
                    this.versionStep = 2;
                    return new byte[] { 0xAF, 0x04, 0x01, 0x01, Generation == DesfireGeneration.Ev1 ? (byte)0x01 : (byte)0x02, 0x01, 0x18, 0x05 };
                case 0xAF when this.versionStep == 2:
                    this.versionStep = 0;
                    var last = new byte[15];
                    if (!RandomUid)
                    {
                        Array.Copy(RealUid, 0, last, 1, 7);
                    }

                    last[8] = 0xBA; last[9] = 0x7C; last[10] = 0x00; last[11] = 0x00; last[12] = 0x00;
                    last[13] = 0x20; last[14] = 0x24;
                    return last;
                case 0x6A:
                    return GetApplicationIds(command);
                case 0x5A:
                    this.versionStep = 0;
                    if (command.Length != 4)
                    {
                        return Status(0x7E);
                    }

                    ResetSession();
                    if (command[1] == 0 && command[2] == 0 && command[3] == 0)
                    {
                        this.selected = null;
                        SelectedApplication = new byte[3];
                        return Status(0x00);
                    }

                    foreach (var app in Applications)
                    {
                        if (app.Aid[0] == command[1] && app.Aid[1] == command[2] && app.Aid[2] == command[3])
                        {
                            this.selected = app;
                            SelectedApplication = (byte[])app.Aid.Clone();
                            return Status(0x00);
                        }
                    }

                    return Status(0xA0); // APPLICATION_NOT_FOUND
                case 0x71 when Generation == DesfireGeneration.Ev1:
                    ResetSession();
                    return Status(0x1C); // an EV1 has no AuthenticateEV2First: ILLEGAL_COMMAND_CODE
                case 0x71:
                    return AuthenticateEv2First(command);
                case 0xAA:
                    return AuthenticateAes(command);
                case 0x0A:
                    return AuthenticateLegacy(command);
                case 0xAD:
                    return ReadData(command);
                case 0xCA:
                    return CreateApplication(command);
                case 0xDA:
                    return DeleteApplication(command);
                case 0x64:
                    return GetKeyVersion(command);
                case 0xC4:
                    return ChangeKey(command);
                case 0xCD:
                    return CreateStdDataFile(command);
                case 0x3D:
                    return WriteData(command);
                case 0xF5:
                    return GetFileSettings(command);
                case 0x45:
                    return GetKeySettings(command);
                case 0x54:
                    return ChangeKeySettings(command);
                case 0xFC:
                    return FormatPicc(command);
                case 0x3C:
                    // Read_Sig (EV2): address 00h; plain before authentication.
                    if (!AnswersReadSig)
                    {
                        this.versionStep = 0;
                        return Status(0x1C); // ILLEGAL_COMMAND_CODE, as a card without the command answers
                    }

                    if (command.Length != 2 || command[1] != 0x00)
                    {
                        return Status(0x7E);
                    }

                    if (this.authenticated)
                    {
                        return Status(0x9D); // this model: plain only
                    }

                    return Status(0x00, OriginalitySignature);
                default:
                    this.versionStep = 0;
                    return Status(0x1C); // ILLEGAL_COMMAND_CODE
            }
        }
    }
}
