using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>Reading and checking a table slot (its header and index) at boot, adopting it, and clearing the store.</summary>
    public sealed partial class AllowlistStore
    {
        /// <summary>Reads and checks a slot; returns its index (header left in <see cref="header"/>) or null when not valid.</summary>
        private ulong[] ReadSlot(int slot)
        {
            string indexName = indexNames[slot];
            int indexLength = files.Length(indexName);
            if (indexLength < TableFormat.HeaderSize)
            {
                return null;
            }

            if (files.Read(indexName, 0, header, 0, TableFormat.HeaderSize) != TableFormat.HeaderSize || !TableFormat.CheckHeader(header))
            {
                return null;
            }

            int slotBlockSize = (int)BigEndian.ReadUInt32(header, TableFormat.OffsetBlockSize);
            int slotBlockCount = (int)BigEndian.ReadUInt32(header, TableFormat.OffsetBlockCount);
            int dataLength = files.Length(dataNames[slot]);
            if (dataLength < 0 && slotBlockCount == 0)
            {
                dataLength = 0; // an empty list writes no block, hence no data file
            }

            if (indexLength != TableFormat.HeaderSize + slotBlockCount * TableFormat.IndexEntrySize
                || dataLength != slotBlockCount * slotBlockSize)
            {
                return null;
            }

            ulong[] slotIndex = new ulong[slotBlockCount];
            byte[] chunk = new byte[256];
            uint indexCrc = 0;
            int done = 0;
            while (done < slotBlockCount)
            {
                int n = slotBlockCount - done;
                if (n > chunk.Length / TableFormat.IndexEntrySize)
                {
                    n = chunk.Length / TableFormat.IndexEntrySize;
                }

                int bytes = n * TableFormat.IndexEntrySize;
                if (files.Read(indexName, TableFormat.HeaderSize + done * TableFormat.IndexEntrySize, chunk, 0, bytes) != bytes)
                {
                    return null;
                }

                indexCrc = Crc32.Append(indexCrc, chunk, 0, bytes);
                for (int i = 0; i < n; i++)
                {
                    ulong prefix = BigEndian.ReadUInt64(chunk, i * TableFormat.IndexEntrySize);
                    if (done + i > 0 && prefix <= slotIndex[done + i - 1])
                    {
                        return null;
                    }

                    slotIndex[done + i] = prefix;
                }

                done += n;
            }

            return indexCrc == BigEndian.ReadUInt32(header, TableFormat.OffsetIndexCrc) ? slotIndex : null;
        }

        private bool Adopt(int slot)
        {
            ulong[] slotIndex = ReadSlot(slot);
            if (slotIndex == null)
            {
                return false;
            }

            int slotBlockSize = (int)BigEndian.ReadUInt32(header, TableFormat.OffsetBlockSize);
            byte[] slotBlock = block.Length >= slotBlockSize ? block : new byte[slotBlockSize];
            // Rounded up to 8 bytes: the array's RAM is then exactly what VerifiedMaskBytes reports.
            byte[] slotVerified = new byte[(slotIndex.Length + 7) & ~7];
            lock (sync)
            {
                block = slotBlock;
                index = slotIndex;

                // A table that comes in force is trusted block by block only once verified again (README, "Integrity
                // of the bytes a lookup reads"): nothing verified yet, the scrub starts over at block 0.
                verified = slotVerified;
                RestartScrub();
                activeSlot = slot;
                siteId = BigEndian.ReadUInt32(header, TableFormat.OffsetSiteId);
                tableVersion = BigEndian.ReadInt64(header, TableFormat.OffsetVersion);
                tableIssued = BigEndian.ReadInt64(header, TableFormat.OffsetIssued);
                tableDatabaseId = BigEndian.ReadInt64(header, TableFormat.OffsetDatabaseId);
                tableCount = (int)BigEndian.ReadUInt32(header, TableFormat.OffsetCount);
                keyVersion = header[TableFormat.OffsetKeyVersion];
                previousKeyVersion = header[TableFormat.OffsetPreviousKeyVersion];
                overlay.Clear();
                activeOverlay = -1;
                blockSize = slotBlockSize;
                blockCount = slotIndex.Length;
            }

            return true;
        }

        private void Clear()
        {
            activeSlot = -1;
            tableVersion = 0;
            tableIssued = 0;
            tableDatabaseId = 0;
            tableCount = 0;
            keyVersion = 0;
            previousKeyVersion = 0;
            activeOverlay = -1;
            overlay.Clear();
            siteId = 0;
            blockSize = 0;
            blockCount = 0;
            index = new ulong[0];
            verified = new byte[0];
            RestartScrub();
        }
    }
}
