using LeoCarte.Terminal.Bytes;
using System;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    // ListUpdate, part: the byte stream — header, manifest and signature prefix, chunk digests, entry
    // parsing, header checks.
    public sealed partial class ListUpdate
    {
        private ListUpdateResult Consume(byte[] chunk, int offset, int count)
        {
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                switch (phase)
                {
                    case PhaseHeader:
                    case PhaseManifest:
                    case PhaseSignature:
                        {
                            int take = (phase == PhaseSignature ? WireFormat.SignatureSize : signedLength) - filled;
                            if (take > end - i)
                            {
                                take = end - i;
                            }

                            Array.Copy(chunk, i, phase == PhaseSignature ? signature : signedBytes, filled, take);
                            filled += take;
                            i += take;
                            ListUpdateResult stepped = AfterPrefixBytes();
                            if (stepped != ListUpdateResult.Ok)
                            {
                                return Fail(stepped);
                            }

                            break;
                        }

                    case PhaseBody:
                        {
                            int take = chunkLength - chunkFill;
                            if (take > end - i)
                            {
                                take = end - i;
                            }

                            Array.Copy(chunk, i, chunkBuffer, chunkFill, take);
                            chunkFill += take;
                            i += take;
                            if (chunkFill == chunkLength)
                            {
                                ListUpdateResult verified = VerifyAndApplyChunk();
                                if (verified != ListUpdateResult.Ok)
                                {
                                    return Fail(verified);
                                }
                            }

                            break;
                        }

                    default:
                        // Bytes after the body: not a list this format produces.
                        return Fail(ListUpdateResult.BadFormat);
                }
            }

            return ListUpdateResult.Ok;
        }

        /// <summary>Moves through header, manifest and signature as each completes.</summary>
        private ListUpdateResult AfterPrefixBytes()
        {
            if (phase == PhaseHeader)
            {
                if (filled >= 4 && BigEndian.ReadUInt32(signedBytes, WireFormat.OffsetMagic) != WireFormat.Magic)
                {
                    return ListUpdateResult.BadMagic;
                }

                if (filled < WireFormat.HeaderSize)
                {
                    return ListUpdateResult.Ok;
                }

                ListUpdateResult checkedHeader = CheckHeader();
                if (checkedHeader != ListUpdateResult.Ok)
                {
                    return checkedHeader;
                }

                signedLength = WireFormat.HeaderSize + (header.ChunkCount * WireFormat.ChunkDigestSize);
                phase = PhaseManifest;
            }

            if (phase == PhaseManifest)
            {
                if (filled < signedLength)
                {
                    return ListUpdateResult.Ok;
                }

                filled = 0;
                phase = PhaseSignature;
                return ListUpdateResult.Ok;
            }

            if (filled < WireFormat.SignatureSize)
            {
                return ListUpdateResult.Ok;
            }

            // The signed digest: HMAC-SHA256 under a public domain key, used as a hash (FORMAT.md, "Signature").
            trust.Mac.HmacSha256(WireFormat.SignedDomainKey, signedBytes, 0, signedLength, digest);
            if (!trust.Verifier.Verify(trust.Find(header.KeyId).PublicKey, digest, signature, 0))
            {
                return ListUpdateResult.BadSignature;
            }

            // Authentic from here on: now the flash may be prepared.
            ListUpdateResult prepared = PrepareTarget();
            if (prepared != ListUpdateResult.Ok)
            {
                return prepared;
            }

            filled = 0;
            entrySize = 0;
            wire.Key.Clear();
            StartChunk();
            return ListUpdateResult.Ok;
        }

        /// <summary>The next body chunk's length, or the end of the body.</summary>
        private void StartChunk()
        {
            chunkFill = 0;
            int left = header.BodyLength - bodyReceived;
            if (left == 0)
            {
                phase = PhaseComplete;
                return;
            }

            chunkLength = left < header.ChunkSize ? left : header.ChunkSize;
            phase = PhaseBody;
        }

        /// <summary>
        /// Checks the chunk against its digest in the signed manifest (one-shot MAC: native on the device) and
        /// only then parses its entries. A tampered chunk stops the update: BadChunk, nothing committed.
        /// </summary>
        private ListUpdateResult VerifyAndApplyChunk()
        {
            trust.Mac.HmacSha256(WireFormat.ChunkDomainKey, chunkBuffer, 0, chunkLength, digest);
            int at = WireFormat.HeaderSize + (chunkIndex * WireFormat.ChunkDigestSize);
            if (!FixedTime.AreEqual(digest, 0, signedBytes, at, WireFormat.ChunkDigestSize))
            {
                return ListUpdateResult.BadChunk;
            }

            ChunksVerified++;
            chunkIndex++;
            bodyReceived += chunkLength;
            ListUpdateResult parsed = ParseEntries(chunkBuffer, 0, chunkLength);
            if (parsed != ListUpdateResult.Ok)
            {
                return parsed;
            }

            StartChunk();
            if (phase == PhaseComplete && (entriesSeen != DeclaredCount || filled != 0))
            {
                // The signed body ends inside an entry or holds fewer entries than the header declares.
                return ListUpdateResult.BadFormat;
            }

            return ListUpdateResult.Ok;
        }

        /// <summary>Parses verified body bytes entry by entry (an entry may straddle two chunks).</summary>
        private ListUpdateResult ParseEntries(byte[] data, int offset, int count)
        {
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                if (entriesSeen == DeclaredCount)
                {
                    // Bytes after the declared entries.
                    return ListUpdateResult.BadFormat;
                }

                if (entrySize == 0)
                {
                    // Tag (and length byte of a full key) one at a time until the size is known...
                    entryBytes[filled++] = data[i++];
                    entrySize = EntryCodec.Measure(entryBytes, 0, filled);
                    if (entrySize < 0)
                    {
                        return ListUpdateResult.BadFormat;
                    }
                }
                else
                {
                    // ...then the rest of the entry in one copy: per-entry, not per-byte, work on the device.
                    int take = entrySize - filled;
                    if (take > end - i)
                    {
                        take = end - i;
                    }

                    Array.Copy(data, i, entryBytes, filled, take);
                    filled += take;
                    i += take;
                }

                if (entrySize > 0 && filled == entrySize)
                {
                    ListUpdateResult result = ApplyEntry();
                    if (result != ListUpdateResult.Ok)
                    {
                        return result;
                    }

                    filled = 0;
                    entrySize = 0;
                    entriesSeen++;
                }
            }

            return ListUpdateResult.Ok;
        }

        /// <summary>
        /// Header checks, before the signature is verified (the header is not authenticated yet: a forged one can
        /// make us refuse, never accept, and nothing has touched flash).
        /// </summary>
        private ListUpdateResult CheckHeader()
        {
            ListUpdateResult read = ListHeader.Read(signedBytes, 0, WireFormat.HeaderSize, header);
            if (read != ListUpdateResult.Ok)
            {
                return read;
            }

            Kind = header.Kind;
            ListVersion = header.Version;
            BaseVersion = header.BaseVersion;
            DeclaredCount = header.EntryCount;
            DatabaseId = header.DatabaseId;
            if (header.ChunkSize > trust.MaxChunkSize || header.ChunkCount > trust.MaxChunks)
            {
                return ListUpdateResult.LimitExceeded;
            }

            if (header.SiteId != siteId)
            {
                return ListUpdateResult.WrongSite;
            }

            if (trust.Find(header.KeyId) == null)
            {
                return ListUpdateResult.UnknownKey;
            }

            return ListVersionRules.Check(header, store.Version, store.DatabaseId, store.IssuedUnixSeconds, trust.MaxVersionJump);
        }
    }
}
