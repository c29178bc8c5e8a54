namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// The block-cipher seam of the DESFire session: AES-128 on 16-byte blocks, into buffers the caller owns. The portable
    /// <see cref="Aes128"/> implements it everywhere (host, nanoCLR); on the ESP32 the device adapter
    /// (Drivers/Device/NativeAesBlockCipher) runs the firmware's native AES (mbedTLS) behind the same calls.
    /// CMAC, AN10922 diversification and the DESFire session (<see cref="AesCmac"/>, <see cref="KeyDiversification"/>,
    /// <see cref="DesfireSession"/>) are built on top of it, so they are written and tested once.
    /// <para>
    /// The CBC calls exist because nanoCLR interprets every IL instruction: a 16-byte XOR costs ≈ 210 IL instructions
    /// (≈ 0.43 ms at 2.06 µs each), the native CBC does it inside the one native call (nanoFramework.System.Security.
    /// Cryptography's <c>Aes(CipherMode.CBC)</c>, mbedTLS), and one call over several blocks is one managed→native
    /// transition instead of one per block.
    /// </para>
    /// </summary>
    public interface IBlockCipher
    {
        /// <summary>Sets the 16-byte key at key[offset..offset+16).</summary>
        void SetKey(byte[] key, int offset);

        /// <summary>Encrypts the block input[inputOffset..+16) into output[outputOffset..+16) (the two may be the same bytes).</summary>
        void Encrypt(byte[] input, int inputOffset, byte[] output, int outputOffset);

        /// <summary>Decrypts the block input[inputOffset..+16) into output[outputOffset..+16) (the two may be the same bytes).</summary>
        void Decrypt(byte[] input, int inputOffset, byte[] output, int outputOffset);

        /// <summary>
        /// AES-CBC encryption (NIST SP 800-38A §6.2) of input[inputOffset..+length), length a positive multiple of 16,
        /// chained from iv[0..16) (not modified): every ciphertext block into output[outputOffset..+length). Input and
        /// output may be the same bytes (same offset), not otherwise overlapping.
        /// </summary>
        void EncryptCbc(byte[] iv, byte[] input, int inputOffset, int length, byte[] output, int outputOffset);

        /// <summary>AES-CBC decryption (SP 800-38A §6.2) of input[inputOffset..+length) from iv[0..16) into
        /// output[outputOffset..+length); same rules as <see cref="EncryptCbc"/>.</summary>
        void DecryptCbc(byte[] iv, byte[] input, int inputOffset, int length, byte[] output, int outputOffset);
    }
}
