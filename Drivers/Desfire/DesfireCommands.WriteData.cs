using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// WriteData (3Dh) of up to <see cref="MaxWriteLength"/> bytes, split into DESFire additional frames: the whole command
    /// (3D ‖ header ‖ data ‖ MAC, or 3D ‖ header ‖ enciphered data ‖ CRC32 ‖ padding) is secured first, exactly as one
    /// frame would be (the CMAC or CRC32 covers all of it), then sent as 3D ‖ header ‖ first part, and AF ‖ next part while
    /// the card answers 91 AFh (ADDITIONAL_FRAME, no MAC); the last answer is 91 00 with its MAC. Every frame keeps the wrapped
    /// APDU within 55 bytes ("the length of the total wrapped DESFire command is not longer than 55 bytes", the DESFire
    /// functional specification as libfreefare quotes it for <c>MAX_CAPDU_SIZE</c>; its <c>write_data</c> splits the same
    /// way). ISO 14443-4 chaining is not needed: 55 bytes fit the card's frame size (64). The stream is built in a buffer
    /// made on the first write (a terminal never writes).
    /// </summary>
    public sealed partial class DesfireCommands
    {
        /// <summary>Longest WriteData this class sends (in several frames): 192 bytes, within the session's MAC input (208).</summary>
        public const int MaxWriteLength = 192;

        /// <summary>Longest native frame (command byte and data) sent: 50 bytes, 55 wrapped (CLA INS P1 P2 Lc … Le).</summary>
        public const int MaxNativeFrame = 50;

        /// <summary>Header (7) + data + CRC32 and padding (≤ 16) or MAC (8).</summary>
        private byte[] writeStream;

        /// <summary>Frames the last <see cref="WriteData"/> sent (1 when it fitted one frame).</summary>
        public int LastWriteFrames { get; private set; }

        /// <summary>
        /// WriteData (3Dh) of data[offset..offset+length) at <paramref name="fileOffset"/> of a standard data file, in the
        /// file's communication mode: plain (the CMAC only moves the IV when authenticated), MAC (the first 8 bytes of
        /// CMAC(3D || header || data) appended) or full (data || CRC32 enciphered). MAC and full need an EV1 AES session.
        /// Longer than one frame allows: sent in additional frames (AFh). A card pulled away between frames has not written
        /// the command as a whole: write it again.
        /// </summary>
        public ReaderResult WriteData(int fileNumber, int fileOffset, byte[] data, int offset, int length, byte communication)
        {
            if (length <= 0 || length > MaxWriteLength || fileOffset < 0 || session.SecureMessaging == DesfireSecureMessaging.Ev2
                || (communication != CommPlain && !session.Authenticated))
            {
                return ReaderResult.InvalidArgument;
            }

            if (writeStream == null)
            {
                writeStream = new byte[7 + MaxWriteLength + 16];
            }

            WriteFileHeader(header, 0, fileNumber, fileOffset, length);
            for (int i = 0; i < 7; i++)
            {
                writeStream[i] = header[i];
            }

            for (int i = 0; i < length; i++)
            {
                writeStream[7 + i] = data[offset + i];
            }

            int streamLength = 7 + length;
            if (communication == CommFull)
            {
                streamLength = 7 + session.EncipherCommandDataEv1(WriteDataCode, header, 0, 7, writeStream, 7, length);
            }
            else if (session.Authenticated)
            {
                session.CommandMac(WriteDataCode, header, 0, 7, writeStream, 7, length, mac, 0);
                if (communication == CommMac)
                {
                    for (int i = 0; i < 8; i++)
                    {
                        writeStream[7 + length + i] = mac[i];
                    }

                    streamLength += 8;
                }
            }

            ReaderResult result = SendStream(WriteDataCode, streamLength);
            for (int i = 0; i < streamLength; i++)
            {
                writeStream[i] = 0;
            }

            if (result != ReaderResult.Ok)
            {
                Forget();
                return result;
            }

            return session.Authenticated ? VerifyAnswer(0) : (replyData == 0 ? ReaderResult.Ok : ReaderResult.Protocol);
        }

        /// <summary>
        /// Sends writeStream[0..length) as code ‖ first part, then AF ‖ part while the card answers AFh. Ok when the last
        /// frame is answered 00; 00 before the last part is a Protocol error, AFh to the last one CardStatus (AFh).
        /// </summary>
        private ReaderResult SendStream(byte code, int length)
        {
            int sent = 0;
            LastWriteFrames = 0;
            while (true)
            {
                int part = length - sent;
                if (part > MaxNativeFrame - 1)
                {
                    part = MaxNativeFrame - 1;
                }

                for (int i = 0; i < part; i++)
                {
                    apdu[5 + i] = writeStream[sent + i];
                }

                sent += part;
                bool last = sent == length;
                LastWriteFrames++;
                ReaderResult result = Send(code, part, last ? StatusOk : StatusAdditionalFrame);
                for (int i = 0; i < part; i++)
                {
                    apdu[5 + i] = 0;
                }

                if (result != ReaderResult.Ok)
                {
                    // 00 before the last part: the card counted another length than we sent.
                    return result == ReaderResult.CardStatus && !last && LastStatus == StatusOk ? ReaderResult.Protocol : result;
                }

                if (last)
                {
                    return ReaderResult.Ok;
                }

                if (replyData != 0)
                {
                    return ReaderResult.Protocol;
                }

                code = AdditionalFrameCode;
            }
        }
    }
}
