using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// The write commands the card office needs to personalise a card (the portable subset of DESFire EV1, which EV2 and
    /// EV3 cards keep): CreateApplication (CAh), DeleteApplication (DAh), GetKeyVersion (64h), ChangeKey (C4h),
    /// CreateStdDataFile (CDh), WriteData (3Dh, <c>DesfireCommands.WriteData.cs</c>) in the file's communication mode. Unauthenticated they go plain; after
    /// <see cref="AuthenticateAes"/> they follow EV1 secure messaging (libfreefare <c>mifare_desfire.c</c>, checked
    /// byte by byte): a plain command's CMAC is computed but not sent (it moves the session IV), a MACed WriteData carries
    /// the first 8 bytes of it, ChangeKey and enciphered writes go through <see cref="DesfireSession.BuildChangeKeyCryptogram"/>
    /// and <see cref="DesfireSession.EncipherCommandDataEv1"/>; every answer with status 00 carries the first 8 bytes of
    /// CMAC(data || 00), verified before anything is returned — except ChangeKey of the key that authenticated, after which
    /// the card ends the session and sends no MAC. These commands refuse an EV2 session (InvalidArgument): its MACt rules
    /// differ and the personalisation does not need them. A DESFire error ends the card's authentication: the session is
    /// cleared here too.
    /// </summary>
    public sealed partial class DesfireCommands
    {
        public const byte CreateApplicationCode = 0xCA;
        public const byte DeleteApplicationCode = 0xDA;
        public const byte GetKeyVersionCode = 0x64;
        public const byte ChangeKeyCode = 0xC4;
        public const byte CreateStdDataFileCode = 0xCD;
        public const byte WriteDataCode = 0x3D;
        public const byte GetFileSettingsCode = 0xF5;

        /// <summary>GetFileSettings of a standard data file answers 7 bytes: type 00h, communication settings, access rights (2, LSB first), size (3, LSB first).</summary>
        public const int StdFileSettingsLength = 7;

        /// <summary>DESFire status DUPLICATE_ERROR: the application or file already exists.</summary>
        public const byte StatusDuplicate = 0xDE;

        /// <summary>DESFire status PERMISSION_DENIED: the key settings or access rights forbid the command.</summary>
        public const byte StatusPermissionDenied = 0x9D;

        /// <summary>DESFire status AUTHENTICATION_ERROR: the command needs an authentication that is not there.</summary>
        public const byte StatusAuthenticationError = 0xAE;

        /// <summary>DESFire status APPLICATION_NOT_FOUND.</summary>
        public const byte StatusApplicationNotFound = 0xA0;

        /// <summary>DESFire status NO_SUCH_KEY.</summary>
        public const byte StatusNoSuchKey = 0x40;

        /// <summary>DESFire status FILE_NOT_FOUND.</summary>
        public const byte StatusFileNotFound = 0xF0;

        /// <summary>Communication settings of a file (MF3ICDx1 "CreateStdDataFile": bits 1..0).</summary>
        public const byte CommPlain = 0x00;
        public const byte CommMac = 0x01;
        public const byte CommFull = 0x03;

        /// <summary>The number-of-keys byte of CreateApplication flags AES keys with 80h (bits 7..6 = 10b).</summary>
        public const byte AesKeysFlag = 0x80;

        private readonly byte[] cryptogram = new byte[32];
        private bool piccLevel = true;
        private int authenticatedKey = -1;

        /// <summary>
        /// The access-rights word of a file (MF3ICDx1 "CreateStdDataFile": read key in bits 15..12, write 11..8, read and
        /// write 7..4, change access rights 3..0; Eh = free, Fh = never), sent least significant byte first.
        /// </summary>
        public static int AccessRights(int read, int write, int readWrite, int change) =>
            ((read & 0xF) << 12) | ((write & 0xF) << 8) | ((readWrite & 0xF) << 4) | (change & 0xF);

        /// <summary>CreateApplication (CAh) at PICC level: AID (LSB first), key settings, <paramref name="keyCount"/> AES keys (1–14).</summary>
        public ReaderResult CreateApplication(byte[] aid, int offset, byte keySettings, int keyCount)
        {
            if (keyCount < 1 || keyCount > 14)
            {
                return ReaderResult.InvalidArgument;
            }

            apdu[5] = aid[offset];
            apdu[6] = aid[offset + 1];
            apdu[7] = aid[offset + 2];
            apdu[8] = keySettings;
            apdu[9] = (byte)(AesKeysFlag | keyCount);
            return SendSecured(CreateApplicationCode, 5, 0);
        }

        /// <summary>DeleteApplication (DAh) at PICC level (PICC master key, or the application's master key).</summary>
        public ReaderResult DeleteApplication(byte[] aid, int offset)
        {
            apdu[5] = aid[offset];
            apdu[6] = aid[offset + 1];
            apdu[7] = aid[offset + 2];
            return SendSecured(DeleteApplicationCode, 3, 0);
        }

        /// <summary>GetKeyVersion (64h): the version byte of key <paramref name="keyNumber"/> of the selected application (or the PICC).</summary>
        public ReaderResult GetKeyVersion(int keyNumber, out byte version)
        {
            version = 0;
            apdu[5] = (byte)keyNumber;
            ReaderResult result = SendSecured(GetKeyVersionCode, 1, 1);
            if (result == ReaderResult.Ok)
            {
                version = reply[0];
            }

            return result;
        }

        /// <summary>
        /// ChangeKey (C4h) after <see cref="AuthenticateAes"/>: key <paramref name="keyNumber"/> becomes
        /// <paramref name="newKey"/> with <paramref name="keyVersion"/>. When it is the key this session authenticated
        /// with, <paramref name="currentKey"/> is ignored and the session ends (the card forgets it: authenticate again
        /// with the new key); otherwise <paramref name="currentKey"/> must be that key's present value. At PICC level the
        /// key number carries 80h (the PICC master key becomes an AES key). The change is atomic on the card: after a lost
        /// answer, <see cref="GetKeyVersion"/> tells whether it happened.
        /// </summary>
        public ReaderResult ChangeKey(int keyNumber, byte[] newKey, int newKeyOffset, byte[] currentKey, int currentKeyOffset, byte keyVersion)
        {
            if (!session.Authenticated || session.SecureMessaging != DesfireSecureMessaging.Ev1Aes || keyNumber < 0 || keyNumber > 13)
            {
                return ReaderResult.InvalidArgument;
            }

            bool sameKey = keyNumber == authenticatedKey;
            if (!sameKey && currentKey == null)
            {
                return ReaderResult.InvalidArgument;
            }

            byte keyByte = (byte)(piccLevel ? keyNumber | AesKeysFlag : keyNumber);
            session.BuildChangeKeyCryptogram(keyByte, newKey, newKeyOffset, sameKey ? null : currentKey, currentKeyOffset, keyVersion, cryptogram, 0);
            apdu[5] = keyByte;
            for (int i = 0; i < 32; i++)
            {
                apdu[6 + i] = cryptogram[i];
                cryptogram[i] = 0;
            }

            ReaderResult result = Send(ChangeKeyCode, 33, StatusOk);
            if (result != ReaderResult.Ok || sameKey)
            {
                // An error ends the card's authentication; a change of the authenticating key too (no MAC follows).
                Forget();
                if (result == ReaderResult.Ok && replyData != 0)
                {
                    return ReaderResult.Protocol;
                }

                return result;
            }

            return VerifyAnswer(0);
        }

        /// <summary>
        /// CreateStdDataFile (CDh) in the selected application: file <paramref name="fileNumber"/>, communication settings
        /// (<see cref="CommPlain"/>, <see cref="CommMac"/>, <see cref="CommFull"/>), access rights
        /// (<see cref="AccessRights"/>), size in bytes.
        /// </summary>
        public ReaderResult CreateStdDataFile(int fileNumber, byte communication, int accessRights, int size)
        {
            if (size <= 0 || size > 0xFFFFFF)
            {
                return ReaderResult.InvalidArgument;
            }

            apdu[5] = (byte)fileNumber;
            apdu[6] = communication;
            apdu[7] = (byte)accessRights;
            apdu[8] = (byte)(accessRights >> 8);
            apdu[9] = (byte)size;
            apdu[10] = (byte)(size >> 8);
            apdu[11] = (byte)(size >> 16);
            return SendSecured(CreateStdDataFileCode, 7, 0);
        }

        /// <summary>
        /// GetFileSettings (F5h) of file <paramref name="fileNumber"/>: the first <see cref="StdFileSettingsLength"/> bytes
        /// of the answer (a standard data file's whole settings) into settings[offset..]; MACed in an EV1 session.
        /// </summary>
        public ReaderResult GetStdFileSettings(int fileNumber, byte[] settings, int offset)
        {
            apdu[5] = (byte)fileNumber;
            ReaderResult result = SendSecured(GetFileSettingsCode, 1, StdFileSettingsLength);
            if (result == ReaderResult.Ok)
            {
                for (int i = 0; i < StdFileSettingsLength; i++)
                {
                    settings[offset + i] = reply[i];
                }
            }

            return result;
        }

        /// <summary>
        /// A command whose parameters sit in apdu[5..5+dataLength): plain before authentication; after AuthenticateAES its
        /// CMAC moves the IV and the answer's MAC is verified. <paramref name="answerLength"/> data bytes are expected.
        /// </summary>
        private ReaderResult SendSecured(byte code, int dataLength, int answerLength)
        {
            if (session.SecureMessaging == DesfireSecureMessaging.Ev2)
            {
                return ReaderResult.InvalidArgument;
            }

            if (session.Authenticated)
            {
                session.CommandMac(code, apdu, 5, dataLength, apdu, 5, 0, mac, 0);
            }

            ReaderResult result = Send(code, dataLength, StatusOk);
            if (result != ReaderResult.Ok)
            {
                Forget();
                return result;
            }

            if (!session.Authenticated)
            {
                return replyData == answerLength ? ReaderResult.Ok : ReaderResult.Protocol;
            }

            return VerifyAnswer(answerLength);
        }

        /// <summary>The answer of an authenticated EV1 command: data || 8-byte MAC over data || status, checked in fixed time.</summary>
        private ReaderResult VerifyAnswer(int answerLength)
        {
            if (replyData != answerLength + 8)
            {
                Forget();
                return ReaderResult.Protocol;
            }

            return session.VerifyResponseMac(LastStatus, reply, 0, answerLength, reply, answerLength) ? ReaderResult.Ok : ReaderResult.IntegrityError;
        }

        private void Forget()
        {
            session.Clear();
            authenticatedKey = -1;
        }
    }
}
