#!/usr/bin/env python3
"""heaps.py FILE.dll|.exe ...: the sizes of the ECMA-335 metadata heaps of each .NET assembly (#Strings: type,
member and namespace names; #US: string literals, UTF-16) and, for a nanoFramework .pe beside it (--pe DIR), the
size of its string table (names and literals together, UTF-8). nanoFramework's MetadataProcessor addresses strings
with 16-bit offsets: 64 KB or more wraps them without an error, and nanoCLR then reads wrong names (the device tests once loaded under the
name "get_Count" and ran nothing). Prints one line per assembly; exits 1 when any heap is >= LIMIT bytes.
Usage: heaps.py [--limit 65536] [--pe DIR] FILE..."""
import struct
import sys

# CLR_RECORD_ASSEMBLY.startOfTables[] of the NFMRK1 format (MetadataProcessor v3, CoreLibrary 1.17.11) has 16
# entries, the last the end of the assembly (= the file size); the string table is entry 11. Checked on the .pe
# files of this repository: that region starts with the empty string, then the referenced assembly names.
TBL_STRINGS = 11
TBL_COUNT = 16


def rva_to_offset(sections, rva):
    for va, size, raw in sections:
        if va <= rva < va + size:
            return rva - va + raw
    raise ValueError("RVA 0x%x in no section" % rva)


def metadata_heaps(path):
    data = open(path, "rb").read()
    if data[:2] != b"MZ":
        raise ValueError("not a PE file")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        raise ValueError("no PE signature")
    sections_count = struct.unpack_from("<H", data, pe + 6)[0]
    optional_size = struct.unpack_from("<H", data, pe + 20)[0]
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (96 if magic == 0x10B else 112)
    cli_rva = struct.unpack_from("<I", data, directories + 14 * 8)[0]  # data directory 14: CLI header
    sections = []
    table = optional + optional_size
    for i in range(sections_count):
        s = table + 40 * i
        vsize, va, rawsize, raw = struct.unpack_from("<IIII", data, s + 8)
        sections.append((va, max(vsize, rawsize), raw))
    cli = rva_to_offset(sections, cli_rva)
    md_rva = struct.unpack_from("<I", data, cli + 8)[0]
    root = rva_to_offset(sections, md_rva)
    if struct.unpack_from("<I", data, root)[0] != 0x424A5342:  # "BSJB"
        raise ValueError("no metadata root")
    version_length = struct.unpack_from("<I", data, root + 12)[0]
    p = root + 16 + version_length
    streams = struct.unpack_from("<H", data, p + 2)[0]
    p += 4
    heaps = {}
    for _ in range(streams):
        offset, size = struct.unpack_from("<II", data, p)
        p += 8
        end = data.index(b"\0", p)
        name = data[p:end].decode("ascii")
        p += ((end - p) // 4 + 1) * 4
        heaps[name] = size
    return heaps


def pe_string_table(path):
    """Size of the string table of a nanoFramework .pe (format NFMRK1): startOfTables[Strings+1] - [Strings]."""
    data = open(path, "rb").read()
    if data[:6] != b"NFMRK1":
        raise ValueError("not a nanoFramework .pe (NFMRK1)")
    # marker[8], headerCRC, assemblyCRC, flags, nativeMethodsChecksum, patchEntryOffset (uint32 each),
    # version (4 x uint16), assemblyName, stringTableVersion (uint16 each), then startOfTables[] (uint32 each).
    tables = 8 + 5 * 4 + 4 * 2 + 2 * 2
    starts = struct.unpack_from("<%dI" % TBL_COUNT, data, tables)
    if list(starts) != sorted(starts) or starts[-1] != len(data) or data[starts[TBL_STRINGS]] != 0:
        raise ValueError("unexpected table layout (not the NFMRK1 layout this reader knows)")
    return starts[TBL_STRINGS + 1] - starts[TBL_STRINGS]


def main(argv):
    limit = 65536
    pe_dir = None
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--limit":
            limit = int(argv[i + 1]); i += 2
        elif argv[i] == "--pe":
            pe_dir = argv[i + 1]; i += 2
        else:
            files.append(argv[i]); i += 1
    status = 0
    for f in files:
        name = f.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        label = f.split("/bin/")[0].rsplit("/", 1)[-1] + ":" + name if "/bin/" in f else name
        try:
            heaps = metadata_heaps(f)
        except Exception as e:  # a file that is not an assembly is a failure, not a skip
            print("heaps: %-44s UNREADABLE: %s" % (label, e))
            status = 1
            continue
        strings, us = heaps.get("#Strings", 0), heaps.get("#US", 0)
        line = "heaps: %-44s #Strings %6d  #US %6d" % (label, strings, us)
        over = [h for h, v in (("#Strings", strings), ("#US", us)) if v >= limit]
        if pe_dir is not None:
            import os
            pe = os.path.join(pe_dir, name + ".pe")
            if os.path.exists(pe):
                try:
                    table = pe_string_table(pe)
                except Exception as e:
                    print("heaps: %-44s .pe UNREADABLE: %s" % (label, e))
                    status = 1
                    continue
                line += "  .pe strings %6d" % table
                if table >= limit:
                    over.append(".pe string table")
        if over:
            line += "  OVER %d: %s" % (limit, ", ".join(over))
            status = 1
        else:
            line += "  (limit %d)" % limit
        print(line)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
