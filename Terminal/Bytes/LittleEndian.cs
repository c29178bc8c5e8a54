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

        /// <summary>
        /// Written out as two 32-bit halves in one frame: nanoFramework does not inline, so a call per half costs its
        /// argument loads and a frame each, and shifts on int are cheaper than on long for the interpreter.
        /// </summary>
        public static void WriteInt64(byte[] buffer, int offset, long value)
        {
            int v = (int)value;
            buffer[offset] = (byte)v;
            buffer[offset + 1] = (byte)(v >> 8);
            buffer[offset + 2] = (byte)(v >> 16);
            buffer[offset + 3] = (byte)(v >> 24);
            v = (int)(value >> 32);
            buffer[offset + 4] = (byte)v;
            buffer[offset + 5] = (byte)(v >> 8);
            buffer[offset + 6] = (byte)(v >> 16);
            buffer[offset + 7] = (byte)(v >> 24);
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
