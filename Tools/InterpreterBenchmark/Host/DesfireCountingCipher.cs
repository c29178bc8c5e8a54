// The desfire-aes recording's AES counting (Recording.cs records the tap; Benchmark.QuickRuns.cs prices the calls).
namespace LeoCarte.Tools.InterpreterBenchmark;

/// <summary>AES-128 that counts its calls (the host recording only; the nano replay runs the plain subset AES).</summary>
internal sealed class DesfireCountingCipher : LeoCarte.Drivers.Desfire.IBlockCipher
{
    private readonly LeoCarte.Drivers.Desfire.Aes128 aes = new();
    public int Encrypts, Decrypts, Keys;
    public void SetKey(byte[] key, int offset) { Keys++; aes.SetKey(key, offset); }
    public void Encrypt(byte[] input, int inputOffset, byte[] output, int outputOffset) { Encrypts++; aes.Encrypt(input, inputOffset, output, outputOffset); }
    public void Decrypt(byte[] input, int inputOffset, byte[] output, int outputOffset) { Decrypts++; aes.Decrypt(input, inputOffset, output, outputOffset); }
    public int CbcEncrypts, CbcEncryptBlocks, CbcDecrypts, CbcDecryptBlocks;
    public void EncryptCbc(byte[] iv, byte[] input, int inputOffset, int length, byte[] output, int outputOffset) { CbcEncrypts++; CbcEncryptBlocks += length / 16; aes.EncryptCbc(iv, input, inputOffset, length, output, outputOffset); }
    public void DecryptCbc(byte[] iv, byte[] input, int inputOffset, int length, byte[] output, int outputOffset) { CbcDecrypts++; CbcDecryptBlocks += length / 16; aes.DecryptCbc(iv, input, inputOffset, length, output, outputOffset); }
}

/// <summary>CBC calls of the seam (each one native call on the device, whatever its number of blocks) and their blocks.</summary>
public sealed record CbcCalls(int Encrypts, int EncryptBlocks, int Decrypts, int DecryptBlocks)
{
    public CbcCalls Minus(CbcCalls other) => new(Encrypts - other.Encrypts, EncryptBlocks - other.EncryptBlocks, Decrypts - other.Decrypts, DecryptBlocks - other.DecryptBlocks);
}
