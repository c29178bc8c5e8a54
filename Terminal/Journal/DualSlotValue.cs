using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Journal
{
    /// <summary>
    /// One 64-bit value persisted crash-safely in a 32-byte file of two 16-byte slots (A/B), without relying on
    /// an atomic rename (the device's IFileStore.Replace is Delete + Move, see helper brief). Each slot holds
    /// value (int64), generation (uint32) and CRC-32 of both; a write goes to the slot the previous generation did
    /// NOT use, so a torn write can only damage the slot being written and the other keeps the previous value.
    /// Reading picks the valid slot with the higher generation. One storage write per update.
    /// </summary>
    public sealed class DualSlotValue
    {
        public const int SlotSize = 16;
        public const int FileSize = 2 * SlotSize;

        private readonly IFileStore store;
        private readonly string name;
        private readonly byte[] buffer = new byte[FileSize];
        private uint generation;

        public DualSlotValue(IFileStore store, string fileName)
        {
            this.store = store;
            name = fileName;
        }

        /// <summary>Value last loaded or stored.</summary>
        public long Value { get; private set; }

        /// <summary>True when <see cref="Load"/> found a valid slot (otherwise <see cref="Value"/> is the default passed to Load).</summary>
        public bool Found { get; private set; }

        /// <summary>Reads the file; any damage (missing, short, both slots torn or garbage) yields <paramref name="defaultValue"/> and Found = false. Storage exceptions propagate.</summary>
        public long Load(long defaultValue)
        {
            Found = false;
            generation = 0;
            Value = defaultValue;
            int length = store.Length(name);
            if (length <= 0)
            {
                return Value;
            }

            int read = store.Read(name, 0, buffer, 0, FileSize);
            for (int slot = 0; slot < 2; slot++)
            {
                int at = slot * SlotSize;
                if (read < at + SlotSize)
                {
                    break;
                }

                if (LittleEndian.ReadUInt32(buffer, at + 12) != Crc32.Compute(buffer, at, 12))
                {
                    continue;
                }

                uint slotGeneration = LittleEndian.ReadUInt32(buffer, at + 8);
                if (!Found || slotGeneration > generation)
                {
                    Found = true;
                    generation = slotGeneration;
                    Value = LittleEndian.ReadInt64(buffer, at);
                }
            }

            return Value;
        }

        /// <summary>Persists <paramref name="value"/> with one storage write. Storage exceptions propagate; on one, the previous value is still what a reboot reads.</summary>
        public void Store(long value)
        {
            uint next = generation + 1;
            int slot = (int)(next & 1);
            LittleEndian.WriteInt64(buffer, 0, value);
            LittleEndian.WriteUInt32(buffer, 8, next);
            LittleEndian.WriteUInt32(buffer, 12, Crc32.Compute(buffer, 0, 12));
            int position = slot * SlotSize;
            int length = store.Length(name);
            if (position <= (length < 0 ? 0 : length))
            {
                store.Write(name, position, buffer, 0, SlotSize);
            }
            else
            {
                // Slot B of a file shorter than one slot: nothing valid is in the file, so lay out both slots in
                // one write (slot A zeroed, which never passes the CRC) and later writes land inside the file.
                for (int i = 0; i < SlotSize; i++)
                {
                    buffer[SlotSize + i] = buffer[i];
                    buffer[i] = 0;
                }

                store.Write(name, 0, buffer, 0, FileSize);
            }

            generation = next;
            Value = value;
            Found = true;
        }
    }
}
