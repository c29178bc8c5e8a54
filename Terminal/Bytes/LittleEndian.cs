namespace LeoCarte.Terminal.Bytes
{
    /// <summary>Little-endian integer fields in byte buffers: the journal and the decision counters (flash formats,
    /// Terminal/Journal/FORMAT.md) are little-endian throughout, like the ESP32 itself.</summary>
    public static class LittleEndian
    {
        public static void WriteInt32(byte[] buffer, int offset, int value)
        {
            buffer[offset] = (byte)value;
            buffer[offset + 1] = (byte)(value >> 8);
            buffer[offset + 2] = (byte)(value >> 16);
            buffer[offset + 3] = (byte)(value >> 24);
        }

        public static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            WriteInt32(buffer, offset, (int)value);
        }

        public static void WriteInt64(byte[] buffer, int offset, long value)
        {
            WriteInt32(buffer, offset, (int)value);
            WriteInt32(buffer, offset + 4, (int)(value >> 32));
        }

        public static void WriteUInt16(byte[] buffer, int offset, int value)
        {
            buffer[offset] = (byte)value;
            buffer[offset + 1] = (byte)(value >> 8);
        }

        public static int ReadInt32(byte[] buffer, int offset)
        {
            return buffer[offset] | (buffer[offset + 1] << 8) | (buffer[offset + 2] << 16) | (buffer[offset + 3] << 24);
        }

        public static uint ReadUInt32(byte[] buffer, int offset)
        {
            return (uint)ReadInt32(buffer, offset);
        }

        public static long ReadInt64(byte[] buffer, int offset)
        {
            return (uint)ReadInt32(buffer, offset) | ((long)ReadInt32(buffer, offset + 4) << 32);
        }

        public static int ReadUInt16(byte[] buffer, int offset)
        {
            return buffer[offset] | (buffer[offset + 1] << 8);
        }
    }
}
