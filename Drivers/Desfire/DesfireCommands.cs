using System;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// MIFARE DESFire EV2/EV3 commands in ISO/IEC 7816-4 wrapping (CLA 90h, INS = native command, P1 P2 00h, Lc, data,
    /// Le 00h; answer data || 91h || status; MF3D(H)x2 datasheet §10.1) over <see cref="IsoDep"/>: GetVersion,
    /// SelectApplication, AuthenticateEV2First (AES), ReadData in CommMode.MAC with the card's MAC verified, Read_Sig.
    /// Errors come back as <see cref="ReaderResult"/> (<c>CardStatus</c> with <see cref="LastStatus"/>,
    /// <c>IntegrityError</c> for a proof or MAC that does not verify). No allocation after construction.
    /// </summary>
    public sealed partial class DesfireCommands
    {
        public const byte Cla = 0x90;
        public const byte StatusOk = 0x00;
        public const byte StatusAdditionalFrame = 0xAF;

        public const byte GetVersionCode = 0x60;
        public const byte SelectApplicationCode = 0x5A;
        public const byte AuthenticateEv2FirstCode = 0x71;
        public const byte ReadDataCode = 0xAD;
        public const byte ReadSignatureCode = 0x3C;
        public const byte AdditionalFrameCode = 0xAF;

        /// <summary>GetVersion answers 7 + 7 + 14 bytes (hardware, software, UID/batch/production date).</summary>
        public const int VersionLength = 28;

        /// <summary>Read_Sig answers the 56-byte ECC originality signature (r || s over secp224r1).</summary>
        public const int SignatureLength = 56;

        /// <summary>Longest ReadData this class reads in one command (the answer buffer holds data + MAC + status).</summary>
        public const int MaxReadLength = 192;

        private readonly IsoDep dep;
        private readonly DesfireSession session;
        private readonly byte[] apdu = new byte[64];
        private readonly byte[] reply = new byte[MaxReadLength + 16];
        private readonly byte[] header = new byte[7];
        private readonly byte[] mac = new byte[8];
        private int replyData;

        public DesfireCommands(IsoDep dep, DesfireSession session)
        {
            this.dep = dep;
            this.session = session;

            // CLA, P1, P2 of every command (MF3D(H)x2 §10.1): written once, Send writes INS and Lc.
            apdu[0] = Cla;
            apdu[2] = 0x00;
            apdu[3] = 0x00;
        }

        public IsoDep Dep => dep;

        public DesfireSession Session => session;

        // Fields behind read-only properties: nanoCLR inlines nothing, an auto-property is a call per use.
        private byte lastStatus;
        private int commands;

        /// <summary>DESFire status byte (SW2) of the last answer.</summary>
        public byte LastStatus => lastStatus;

        /// <summary>Commands exchanged since construction.</summary>
        public int Commands => commands;

        /// <summary>GetVersion (60h, then AFh twice): 28 bytes into <paramref name="version"/>.</summary>
        public ReaderResult GetVersion(byte[] version, int offset)
        {
            int filled = 0;
            byte code = GetVersionCode;
            for (int part = 0; part < 3; part++)
            {
                ReaderResult result = Send(code, 0, part < 2 ? StatusAdditionalFrame : StatusOk);
                if (result != ReaderResult.Ok)
                {
                    return result;
                }

                for (int i = 0; i < replyData && filled < VersionLength; i++)
                {
                    version[offset + filled++] = reply[i];
                }

                code = AdditionalFrameCode;
            }

            return filled == VersionLength ? ReaderResult.Ok : ReaderResult.Protocol;
        }

        /// <summary>SelectApplication (5Ah) with a 3-byte AID (LSB first, as on the air). Ends any authentication.</summary>
        public ReaderResult SelectApplication(byte[] aid, int offset)
        {
            session.Clear();
            apdu[5] = aid[offset];
            apdu[6] = aid[offset + 1];
            apdu[7] = aid[offset + 2];
            piccLevel = aid[offset] == 0 && aid[offset + 1] == 0 && aid[offset + 2] == 0;
            return Send(SelectApplicationCode, 3, StatusOk);
        }

        /// <summary>
        /// AuthenticateEV2First (71h) with key <paramref name="keyNumber"/> of the selected application and the 16-byte
        /// AES key K; <paramref name="randomA"/> is the reader's 16-byte challenge (from a hardware random source on the
        /// device). Ok when the card proved it holds K; then <see cref="Session"/> holds the session keys.
        /// A card without the key (a clone with a copied UID) fails here: CardStatus (it refuses our answer) or
        /// IntegrityError (its answer does not prove K).
        /// </summary>
        public ReaderResult AuthenticateEv2First(int keyNumber, byte[] key, int keyOffset, byte[] randomA, int randomOffset)
        {
            session.Clear();
            apdu[5] = (byte)keyNumber;
            apdu[6] = 0x00; // LenCap: no PCD capabilities
            ReaderResult result = Send(AuthenticateEv2FirstCode, 2, StatusAdditionalFrame);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (replyData != 16)
            {
                return ReaderResult.Protocol;
            }

            session.BeginClearedAuthentication(key, keyOffset, randomA, randomOffset, reply, 0, apdu, 5);
            result = Send(AdditionalFrameCode, 32, StatusOk);
            if (result != ReaderResult.Ok)
            {
                session.Clear();
                return result;
            }

            if (replyData != 32)
            {
                session.Clear();
                return ReaderResult.Protocol;
            }

            return session.CompleteAuthentication(reply, 0) ? ReaderResult.Ok : ReaderResult.IntegrityError;
        }

        /// <summary>
        /// The 7-byte header of ReadData (ADh) and WriteData (3Dh): file number, then offset and length as 3-byte
        /// little-endian numbers (MIFARE DESFire EV1 datasheet, ReadData / WriteData), at to[at..at+7).
        /// </summary>
        private static void WriteFileHeader(byte[] to, int at, int fileNumber, int fileOffset, int length)
        {
            to[at] = (byte)fileNumber;
            to[at + 1] = (byte)fileOffset;
            to[at + 2] = (byte)(fileOffset >> 8);
            to[at + 3] = (byte)(fileOffset >> 16);
            to[at + 4] = (byte)length;
            to[at + 5] = (byte)(length >> 8);
            to[at + 6] = (byte)(length >> 16);
        }

        /// <summary>
        /// ReadData (ADh) of a standard data file in CommMode.MAC after <see cref="AuthenticateEv2First"/> (EV2 secure
        /// messaging; after <see cref="AuthenticateAes"/> the EV1 rules apply, see <c>ReadDataMacEv1</c>): the command
        /// carries MACt(Cmd || CmdCtr || TI || header), the answer data || MACt(RC || CmdCtr+1 || TI || data), checked in
        /// fixed time before any byte is copied to <paramref name="destination"/>. IntegrityError ends the session.
        /// </summary>
        public ReaderResult ReadDataMac(int fileNumber, int fileOffset, int length, byte[] destination, int destinationOffset)
        {
            DesfireSession s = session;
            if (!s.authenticated || length <= 0 || length > MaxReadLength || fileOffset < 0)
            {
                return ReaderResult.InvalidArgument;
            }

            if (s.secureMessaging == DesfireSecureMessaging.Ev1Aes)
            {
                return ReadDataMacEv1(fileNumber, fileOffset, length, destination, destinationOffset);
            }

            // The command header goes straight into the APDU, and the MAC reads it there (no data after it).
            byte[] a = apdu;
            WriteFileHeader(a, 5, fileNumber, fileOffset, length);
            s.CommandMac(ReadDataCode, a, 5, 7, a, 12, 0, a, 12);
            ReaderResult result = Send(ReadDataCode, 15, StatusOk);
            if (result != ReaderResult.Ok)
            {
                session.Clear();
                return result;
            }

            if (replyData != length + 8)
            {
                session.Clear();
                return ReaderResult.Protocol;
            }

            if (!s.VerifyResponseMac(lastStatus, reply, 0, length, reply, length))
            {
                return ReaderResult.IntegrityError;
            }

            Array.Copy(reply, 0, destination, destinationOffset, length);
            return ReaderResult.Ok;
        }

        /// <summary>Read_Sig (3Ch, address 00h), unauthenticated: the 56-byte originality signature. Verifying it needs the
        /// NXP public key and ECDSA over secp224r1, which this code base does not implement (see Drivers/README.md).</summary>
        public ReaderResult ReadSignature(byte[] signature, int offset)
        {
            apdu[5] = 0x00;
            ReaderResult result = Send(ReadSignatureCode, 1, StatusOk);
            if (result == ReaderResult.CardStatus && lastStatus == 0x90)
            {
                // Some products answer Read_Sig with 91 90h (ISO "OK" in the DESFire status byte).
                result = ReaderResult.Ok;
            }

            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (replyData != SignatureLength)
            {
                return ReaderResult.Protocol;
            }

            for (int i = 0; i < SignatureLength; i++)
            {
                signature[offset + i] = reply[i];
            }

            return ReaderResult.Ok;
        }

        /// <summary>Builds 90 INS 00 00 [Lc data] 00 around apdu[5..5+dataLength), exchanges it, splits data and status.</summary>
        private ReaderResult Send(byte code, int dataLength, byte expectedStatus)
        {
            commands++;
            byte[] a = apdu;
            a[1] = code;
            int length;
            if (dataLength > 0)
            {
                a[4] = (byte)dataLength;
                a[5 + dataLength] = 0x00;
                length = 6 + dataLength;
            }
            else
            {
                a[4] = 0x00;
                length = 5;
            }

            int received;
            replyData = 0;
            ReaderResult result = dep.Exchange(a, 0, length, reply, 0, reply.Length, out received);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (received < 2 || reply[received - 2] != 0x91)
            {
                return ReaderResult.Protocol;
            }

            byte status = reply[received - 1];
            lastStatus = status;
            replyData = received - 2;
            return status == expectedStatus ? ReaderResult.Ok : ReaderResult.CardStatus;
        }
    }
}
