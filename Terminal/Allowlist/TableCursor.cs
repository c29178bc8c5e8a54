using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Reads a flash table's entries in UID order, one block in RAM at a time (under <see cref="AllowlistCursor"/>,
    /// which merges in the overlay). Never throws on corrupt data: <see cref="MoveNext"/>
    /// returns false and <see cref="IsCorrupt"/> tells why it stopped. Storage exceptions do propagate.
    /// </summary>
    internal sealed class TableCursor
    {
        private readonly EntryCodec codec = new EntryCodec();
        private readonly EntryKey previousBlockLast = new EntryKey();
        private byte[] block;
        private IFileStore files;
        private string dataName;
        private int blockSize;
        private int blockCount;
        private int blockIndex;
        private int position;
        private int remainingInBlock;
        private int blockEnd;

        /// <summary>A cursor with no table: MoveNext returns false.</summary>
        public TableCursor()
        {
            block = new byte[0];
        }

        /// <summary>True when MoveNext stopped on data that does not decode (flash corruption).</summary>
        public bool IsCorrupt { get; private set; }

        public CardState State
        {
            get { return codec.State; }
        }

        public int HolderKey
        {
            get { return codec.HolderKey; }
        }

        public byte Category
        {
            get { return codec.Category; }
        }

        public CardFamily Family
        {
            get { return codec.Family; }
        }

        /// <summary>The current entry's originality digest (0 = none).</summary>
        public uint OriginalityDigest
        {
            get { return codec.OriginalityDigest; }
        }

        /// <summary>Length of the current UID (4, 7 or 10).</summary>
        public int UidLength
        {
            get { return codec.Key.Length; }
        }

        internal EntryKey Key
        {
            get { return codec.Key; }
        }

        /// <summary>Copies the current UID to into[offset..] and returns its length.</summary>
        public int CopyUid(byte[] into, int offset)
        {
            System.Array.Copy(codec.Key.Bytes, 0, into, offset, codec.Key.Length);
            return codec.Key.Length;
        }

        /// <summary>Fills a record with the current entry.</summary>
        public void CopyRecord(CardRecord into)
        {
            into.State = codec.State;
            into.HolderKey = codec.HolderKey;
            into.Category = codec.Category;
            into.Family = codec.Family;
            into.OriginalityDigest = codec.OriginalityDigest;
        }

        internal void Open(IFileStore store, string data, int size, int count)
        {
            files = store;
            dataName = data;
            blockSize = size;
            blockCount = count;
            if (block.Length < size)
            {
                block = new byte[size];
            }

            blockIndex = -1;
            remainingInBlock = 0;
            IsCorrupt = false;
            codec.Key.Clear();
        }

        /// <summary>Advances to the next entry; false at the end of the table or on corruption.</summary>
        public bool MoveNext()
        {
            if (IsCorrupt || files == null)
            {
                return false;
            }

            if (remainingInBlock == 0)
            {
                if (blockIndex + 1 >= blockCount)
                {
                    return false;
                }

                blockIndex++;
                if (files.Read(dataName, blockIndex * blockSize, block, 0, blockSize) != blockSize)
                {
                    IsCorrupt = true;
                    return false;
                }

                // The whole block is checked (header and every segment CRC) before any entry is used: a table
                // being compacted must not carry decayed flash into the next one.
                blockEnd = TableFormat.CheckBlock(block, blockSize);
                remainingInBlock = BigEndian.ReadUInt16(block, TableFormat.BlockOffsetCount);
                position = TableFormat.BlockHeaderSize;
                if (blockEnd < 0)
                {
                    IsCorrupt = true;
                    return false;
                }

                // The first entry of a block carries its full key; the previous block's last key must stay below it.
                return AdvanceWithin(true);
            }

            return AdvanceWithin(false);
        }

        private bool AdvanceWithin(bool firstOfBlock)
        {
            int size = EntryCodec.Measure(block, position, blockEnd - position);
            if (size <= 0 || position + size > blockEnd)
            {
                IsCorrupt = true;
                return false;
            }

            if (firstOfBlock)
            {
                // Decode from no key, then check the order against the previous block's last key.
                EntryKey previousLast = previousBlockLast;
                previousLast.CopyFrom(codec.Key);
                codec.Key.Clear();
                if (!codec.Decode(block, position, size, false) || (previousLast.Length != 0 && codec.Key.CompareTo(previousLast) <= 0))
                {
                    IsCorrupt = true;
                    return false;
                }
            }
            else if (!codec.Decode(block, position, size, false))
            {
                IsCorrupt = true;
                return false;
            }

            position += size;
            remainingInBlock--;
            if ((remainingInBlock == 0) != (position == blockEnd))
            {
                // The entry count and the end of entries disagree.
                IsCorrupt = true;
                return false;
            }

            return true;
        }
    }
}
