namespace LeoCarte.Terminal.Bytes
{
    /// <summary>
    /// Big-endian (network order) integer fields in byte buffers: the signed list wire format and the flash table
    /// of the allowlist (Terminal/Allowlist/FORMAT.md) are big-endian throughout, as the gateway writes them.
    /// </summary>
    public static class BigEndian
    {
        public static void WriteUInt16(byte[] buffer, int offset, int value)
        {
            buffer[offset] = (byte)(value >> 8);
            buffer[offset + 1] = (byte)value;
        }

        public static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
        }

        public static void WriteInt64(byte[] buffer, int offset, long value)
        {
            WriteUInt32(buffer, offset, (uint)(value >> 32));
            WriteUInt32(buffer, offset + 4, (uint)value);
        }

        public static void WriteUInt64(byte[] buffer, int offset, ulong value)
        {
            WriteUInt32(buffer, offset, (uint)(value >> 32));
            WriteUInt32(buffer, offset + 4, (uint)value);
        }

        public static int ReadUInt16(byte[] buffer, int offset)
        {
            return (buffer[offset] << 8) | buffer[offset + 1];
        }

        public static uint ReadUInt32(byte[] buffer, int offset)
        {
            return ((uint)buffer[offset] << 24) | ((uint)buffer[offset + 1] << 16) | ((uint)buffer[offset + 2] << 8) | buffer[offset + 3];
        }

        public static long ReadInt64(byte[] buffer, int offset)
        {
            return (long)(((ulong)ReadUInt32(buffer, offset) << 32) | ReadUInt32(buffer, offset + 4));
        }

        public static ulong ReadUInt64(byte[] buffer, int offset)
        {
            return ((ulong)ReadUInt32(buffer, offset) << 32) | ReadUInt32(buffer, offset + 4);
        }
    }
}
