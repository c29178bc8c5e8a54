namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// The block-cipher seam of the DESFire session: AES-128 on 16-byte blocks, one block per call, into buffers the
    /// caller owns. The portable <see cref="Aes128"/> implements it everywhere (host, nanoCLR); on the ESP32 the device
    /// adapter (Drivers/Device/NativeAesBlockCipher) runs the firmware's native AES (mbedTLS) behind the same calls.
    /// CMAC, AN10922 diversification and the DESFire session (<see cref="AesCmac"/>, <see cref="KeyDiversification"/>,
    /// <see cref="DesfireSession"/>) are built on top of it, so they are written and tested once.
    /// </summary>
    public interface IBlockCipher
    {
        /// <summary>Sets the 16-byte key at key[offset..offset+16).</summary>
        void SetKey(byte[] key, int offset);

        /// <summary>Encrypts the block input[inputOffset..+16) into output[outputOffset..+16) (the two may be the same bytes).</summary>
        void Encrypt(byte[] input, int inputOffset, byte[] output, int outputOffset);

        /// <summary>Decrypts the block input[inputOffset..+16) into output[outputOffset..+16) (the two may be the same bytes).</summary>
        void Decrypt(byte[] input, int inputOffset, byte[] output, int outputOffset);
    }
}
