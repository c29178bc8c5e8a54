namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// The enciphered commands of DESFire EV1 secure messaging after AuthenticateAES (MF3ICDx1 "ChangeKey",
    /// "CommMode.Full" writes; the scheme libfreefare's <c>mifare_desfire_change_key</c> and <c>write_data</c> with
    /// <c>MDCM_ENCIPHERED | ENC_COMMAND</c> implement):
    /// <list type="bullet">
    /// <item>CRC32 (<see cref="Crc32"/>): the IEEE 802.3 polynomial, reflected (EDB88320h), preset FFFFFFFFh and, unlike
    /// the Ethernet CRC, no final inversion; appended least significant byte first.</item>
    /// <item>Enciphered command data: plain || CRC32(command code || parameters || plain), zero-padded to whole blocks,
    /// AES-CBC with the session key from the session IV; the IV becomes the last block sent. No CMAC is computed over an
    /// enciphered command; the card's answer MAC continues from that IV.</item>
    /// <item>ChangeKey of the key used to authenticate: new key || key version || CRC32(C4 || key number || new key ||
    /// version). Of another key: (new key ⊕ current key) || version || CRC32(C4 || key number || that XOR || version) ||
    /// CRC32(new key). 32 bytes enciphered as above.</item>
    /// </list>
    /// Checked against the published DESFire EV1 AES traces (ChangeKey of key 0 and key 1, IV zero and IV after
    /// GetKeyVersion; Terminal.Tests/Shared/Drivers/DesfireChangeKeyVectorTests).
    /// </summary>
    public sealed partial class DesfireSession
    {
        /// <summary>The CRC32 preset (and the start value for <see cref="Crc32"/>).</summary>
        public const uint Crc32Preset = 0xFFFFFFFF;

        /// <summary>
        /// DESFire's CRC32 over data[offset..offset+length) continuing from <paramref name="crc"/> (start with
        /// <see cref="Crc32Preset"/>): reflected polynomial EDB88320h, no final XOR (libfreefare <c>desfire_crc32</c>).
        /// </summary>
        public static uint Crc32(byte[] data, int offset, int length, uint crc)
        {
            for (int i = 0; i < length; i++)
            {
                crc ^= data[offset + i];
                for (int bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
                }
            }

            return crc;
        }

        private static uint Crc32Byte(byte value, uint crc)
        {
            crc ^= value;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }

            return crc;
        }

        private static void PutCrc(uint crc, byte[] into, int offset)
        {
            into[offset] = (byte)crc;
            into[offset + 1] = (byte)(crc >> 8);
            into[offset + 2] = (byte)(crc >> 16);
            into[offset + 3] = (byte)(crc >> 24);
        }

        /// <summary>
        /// The 32-byte ChangeKey cryptogram (EV1 secure messaging) into output[offset..+32). <paramref name="keyNumberByte"/>
        /// is the byte sent after C4h (the key number, with 80h for an AES PICC master key). <paramref name="currentKey"/>
        /// null: the key being changed is the one this session authenticated with; otherwise its current value.
        /// False (nothing written) when the session is not an EV1 AES session.
        /// </summary>
        public bool BuildChangeKeyCryptogram(byte keyNumberByte, byte[] newKey, int newKeyOffset, byte[] currentKey, int currentKeyOffset,
            byte keyVersion, byte[] output, int offset)
        {
            if (!Authenticated || secureMessaging != DesfireSecureMessaging.Ev1Aes)
            {
                return false;
            }

            for (int i = 0; i < 16; i++)
            {
                byte k = newKey[newKeyOffset + i];
                block[i] = currentKey == null ? k : (byte)(k ^ currentKey[currentKeyOffset + i]);
            }

            block[16] = keyVersion;
            uint crc = Crc32Byte(0xC4, Crc32Preset);
            crc = Crc32Byte(keyNumberByte, crc);
            crc = Crc32(block, 0, 17, crc);
            PutCrc(crc, block, 17);
            int used = 21;
            if (currentKey != null)
            {
                PutCrc(Crc32(newKey, newKeyOffset, 16, Crc32Preset), block, 21);
                used = 25;
            }

            for (int i = used; i < 32; i++)
            {
                block[i] = 0;
            }

            EncipherEv1(block, 0, 32, output, offset);
            for (int i = 0; i < 32; i++)
            {
                block[i] = 0;
            }

            return true;
        }

        /// <summary>
        /// CommMode.Full command data (EV1): data[offset..offset+length) followed by CRC32(command || header || data),
        /// zero-padded to whole blocks and enciphered in place (the buffer must hold the padded length). Returns the
        /// padded length, or -1 when the session is not an EV1 AES session.
        /// </summary>
        public int EncipherCommandDataEv1(byte command, byte[] header, int headerOffset, int headerLength, byte[] data, int offset, int length)
        {
            if (!Authenticated || secureMessaging != DesfireSecureMessaging.Ev1Aes)
            {
                return -1;
            }

            uint crc = Crc32Byte(command, Crc32Preset);
            crc = Crc32(header, headerOffset, headerLength, crc);
            crc = Crc32(data, offset, length, crc);
            PutCrc(crc, data, offset + length);
            int padded = (length + 4 + 15) / 16 * 16;
            for (int i = length + 4; i < padded; i++)
            {
                data[offset + i] = 0;
            }

            EncipherEv1(data, offset, padded, data, offset);
            return padded;
        }

        /// <summary>AES-CBC with the session key from the EV1 session IV; the IV becomes the last ciphertext block.</summary>
        private void EncipherEv1(byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
        {
            for (int b = 0; b < length; b += 16)
            {
                for (int i = 0; i < 16; i++)
                {
                    ev1Iv[i] ^= input[inputOffset + b + i];
                }

                encCipher.Encrypt(ev1Iv, 0, ev1Iv, 0);
                for (int i = 0; i < 16; i++)
                {
                    output[outputOffset + b + i] = ev1Iv[i];
                }
            }
        }
    }
}
