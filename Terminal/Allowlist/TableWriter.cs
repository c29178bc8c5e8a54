using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Writes a flash table slot from entries given in strictly increasing UID order, holding one block and a
    /// small batch of index prefixes in RAM whatever the list size. Start invalidates the slot (index file
    /// first: it holds the commit record), blocks are appended as they fill, Finish writes the header last.
    /// Storage exceptions propagate to the caller (<see cref="ListUpdate"/> maps them to StorageError).
    /// </summary>
    internal sealed class TableWriter
    {
        private const int IndexBatchEntries = 32;

        private readonly int blockSize;
        private readonly byte[] block;
        private readonly byte[] indexBatch = new byte[IndexBatchEntries * TableFormat.IndexEntrySize];
        private readonly byte[] header = new byte[TableFormat.HeaderSize];
        private readonly byte[] entry = new byte[EntryCodec.MaxEntrySize];
        private readonly EntryKey blockPrevious = new EntryKey();
        private readonly EntryKey last = new EntryKey();
        private IFileStore files;
        private string indexName;
        private string dataName;
        private int blockUsed;
        private int blockEntries;
        private ulong blockPrefix;
        private ulong lastBlockPrefix;
        private int blockCount;
        private int restartCount;
        private readonly int restartInterval;
        private int batchCount;
        private uint indexCrc;
        private int entryCount;

        public TableWriter(int blockSize)
        {
            this.blockSize = blockSize;
            block = new byte[blockSize];
            restartInterval = (blockSize - TableFormat.BlockHeaderSize) / (TableFormat.RestartSlots + 1);
        }

        public int EntryCount
        {
            get { return entryCount; }
        }

        public int BlockCount
        {
            get { return blockCount; }
        }

        /// <summary>Invalidates the slot and starts an empty table in it.</summary>
        public void Start(IFileStore store, string index, string data)
        {
            files = store;
            indexName = index;
            dataName = data;
            files.Delete(indexName);
            files.Delete(dataName);
            System.Array.Clear(header, 0, header.Length);
            files.Append(indexName, header, 0, header.Length);
            blockUsed = TableFormat.BlockHeaderSize;
            blockEntries = 0;
            blockCount = 0;
            restartCount = 0;
            System.Array.Clear(block, 0, blockSize);
            batchCount = 0;
            indexCrc = 0;
            entryCount = 0;
            lastBlockPrefix = 0;
            blockPrevious.Clear();
            last.Clear();
        }

        /// <summary>Adds the next entry; Ok, BadFormat (not above the previous key) or LimitExceeded.</summary>
        public ListUpdateResult Add(EntryKey key, CardState state, int holderKey, byte category, CardFamily family)
        {
            return Add(key, state, holderKey, category, family, 0);
        }

        /// <summary>Adds the next entry with its originality digest (0 = none).</summary>
        public ListUpdateResult Add(EntryKey key, CardState state, int holderKey, byte category, CardFamily family, uint originalityDigest)
        {
            if (last.Length != 0 && key.CompareTo(last) <= 0)
            {
                return ListUpdateResult.BadFormat;
            }

            // Past the next restart threshold, this entry starts a restart point: written with its full key.
            bool restart = blockEntries > 0 && restartCount < TableFormat.RestartSlots
                && blockUsed >= TableFormat.BlockHeaderSize + (restartCount + 1) * restartInterval;
            if (restart)
            {
                blockPrevious.Clear();
            }

            int size = EntryCodec.Encode(entry, 0, blockPrevious, key.Bytes, 0, key.Length, state, holderKey, category, family, originalityDigest, false);
            if (blockEntries > 0 && blockUsed + size > blockSize)
            {
                FlushBlock();
                restart = false;
                size = EntryCodec.Encode(entry, 0, blockPrevious, key.Bytes, 0, key.Length, state, holderKey, category, family, originalityDigest, false);
            }

            if (restart)
            {
                BigEndian.WriteUInt16(block, TableFormat.BlockOffsetRestarts + 2 * restartCount, blockUsed);
                restartCount++;
            }

            if (blockEntries == 0)
            {
                // Each block's first prefix must be above the previous block's (FORMAT.md, "RAM index"): equal
                // prefixes only happen with 10-byte UIDs sharing 7 bytes over a whole block.
                blockPrefix = key.IndexPrefix;
                if (blockCount > 0 && blockPrefix <= lastBlockPrefix)
                {
                    return ListUpdateResult.LimitExceeded;
                }
            }

            System.Array.Copy(entry, 0, block, blockUsed, size);
            blockUsed += size;
            blockEntries++;
            entryCount++;
            blockPrevious.CopyFrom(key);
            last.CopyFrom(key);
            return ListUpdateResult.Ok;
        }

        /// <summary>Writes the last block, the rest of the index and then the header: the commit point.</summary>
        public void Finish(uint siteId, long version, long issuedUnixSeconds, byte keyVersion, byte previousKeyVersion, long databaseId)
        {
            if (blockEntries > 0)
            {
                FlushBlock();
            }

            if (batchCount > 0)
            {
                AppendIndexBatch();
            }

            TableFormat.WriteHeader(header, siteId, version, issuedUnixSeconds, entryCount, blockSize, blockCount, indexCrc, keyVersion, previousKeyVersion, databaseId);
            files.Write(indexName, 0, header, 0, TableFormat.HeaderSize);
        }

        private void AppendIndexBatch()
        {
            int bytes = batchCount * TableFormat.IndexEntrySize;
            files.Append(indexName, indexBatch, 0, bytes);
            indexCrc = Crypto.Crc32.Append(indexCrc, indexBatch, 0, bytes);
            batchCount = 0;
        }

        private void FlushBlock()
        {
            TableFormat.SealBlock(block, blockEntries, blockUsed, restartCount);
            System.Array.Clear(block, blockUsed, blockSize - blockUsed);
            files.Append(dataName, block, 0, blockSize);
            System.Array.Clear(block, 0, TableFormat.BlockHeaderSize);
            restartCount = 0;
            BigEndian.WriteUInt64(indexBatch, batchCount * TableFormat.IndexEntrySize, blockPrefix);
            batchCount++;
            if (batchCount == IndexBatchEntries)
            {
                AppendIndexBatch();
            }

            lastBlockPrefix = blockPrefix;
            blockCount++;
            blockUsed = TableFormat.BlockHeaderSize;
            blockEntries = 0;
            blockPrevious.Clear();
        }
    }
}
