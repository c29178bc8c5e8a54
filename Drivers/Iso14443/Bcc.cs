namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>UID CLn check byte (ISO/IEC 14443-3 §6.5.3.2): the exclusive-or of the four UID CLn bytes.</summary>
    public static class Bcc
    {
        public static byte Compute(byte[] data, int offset)
        {
            return (byte)(data[offset] ^ data[offset + 1] ^ data[offset + 2] ^ data[offset + 3]);
        }

        /// <summary>True when byte offset+4 is the BCC of the four bytes before it.</summary>
        public static bool Check(byte[] data, int offset) => Compute(data, offset) == data[offset + 4];
    }
}
