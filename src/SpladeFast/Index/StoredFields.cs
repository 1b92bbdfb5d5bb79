using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using K4os.Compression.LZ4;
using SpladeFast.Format;

namespace SpladeFast.Index;

/// <summary>
/// Reads an index's stored fields (<see cref="SectionKind.StoredFields"/>, <see cref="StoredFieldsLayout"/>): a
/// document's source, its JSONL line without the vector. Fetching decompresses the document's block. Thread-safe.
/// </summary>
public sealed unsafe class StoredFields
{
    private readonly string _path;
    private readonly byte* _data;
    private readonly ulong* _offsets;
    private readonly uint* _rawLengths;
    private readonly int _perBlock;
    private readonly int _blocks;
    private readonly ulong _dataLength;
    // A section in a pinned array (StoredFieldsWriter.ToReader): held here so it lives as long as its reader.
    private readonly byte[]? _pinnedSection;

    /// <exception cref="IndexCorruptException">The section's sizes do not add up.</exception>
    internal StoredFields(string path, byte* section, ulong length, ulong documents)
    {
        _path = path;
        if (length < StoredFieldsLayout.HeaderSize)
            ThrowHelper.Corrupt(path, $"section {SectionKind.StoredFields} is truncated");
        _perBlock = (int)*(uint*)section;
        _blocks = (int)*(uint*)(section + 4);
        if (_perBlock < 1 || (ulong)_blocks != (documents + (ulong)_perBlock - 1) / (ulong)_perBlock)
            ThrowHelper.Corrupt(path, $"section {SectionKind.StoredFields}: {_blocks} blocks of {_perBlock} do not hold {documents} documents");
        ulong tables = StoredFieldsLayout.HeaderSize + 8UL * (ulong)(_blocks + 1) + 4UL * (ulong)_blocks;
        ulong dataStart = (tables + 7) & ~7UL;
        if (length < dataStart)
            ThrowHelper.Corrupt(path, $"section {SectionKind.StoredFields} is truncated");
        _offsets = (ulong*)(section + StoredFieldsLayout.HeaderSize);
        _rawLengths = (uint*)(_offsets + _blocks + 1);
        _data = section + dataStart;
        _dataLength = length - dataStart;
        for (int b = 0; b < _blocks; b++)
        {
            if (_offsets[b] > _offsets[b + 1] || _rawLengths[b] > int.MaxValue)
                ThrowHelper.Corrupt(path, $"section {SectionKind.StoredFields}: block {b} has a bad offset or length");
        }
        if (_offsets[0] != 0 || _offsets[_blocks] != _dataLength)
            ThrowHelper.Corrupt(path, $"section {SectionKind.StoredFields}: the blocks do not cover the data");
        DocumentCount = documents;
    }

    private StoredFields(byte[] pinnedSection, long documents)
        : this("(stored fields in memory)", (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedSection)),
            (ulong)pinnedSection.Length, (ulong)documents) => _pinnedSection = pinnedSection;

    /// <summary>A reader over a section held in a pinned array (<see cref="GC.AllocateArray{T}(int, bool)"/>).</summary>
    internal static StoredFields InMemory(byte[] pinnedSection, long documents) => new(pinnedSection, documents);

    /// <summary>Documents stored: the index's document count.</summary>
    public ulong DocumentCount { get; }

    /// <summary>Compressed bytes of all blocks.</summary>
    public ulong CompressedBytes => _dataLength;

    /// <summary>Document <paramref name="docId"/>'s stored source as UTF-8 JSON.</summary>
    /// <exception cref="IndexCorruptException">The block does not decompress to what its table says.</exception>
    public byte[] Get(uint docId)
    {
        if (docId >= DocumentCount)
            ThrowHelper.ArgumentOutOfRange(nameof(docId), "No such document.");
        int block = (int)(docId / (uint)_perBlock);
        int rawLength = (int)_rawLengths[block];
        var raw = rawLength <= 1 << 16 ? stackalloc byte[rawLength] : new byte[rawLength];
        var compressed = new ReadOnlySpan<byte>(_data + _offsets[block], checked((int)(_offsets[block + 1] - _offsets[block])));
        if (LZ4Codec.Decode(compressed, raw) != rawLength)
            ThrowHelper.Corrupt(_path, $"section {SectionKind.StoredFields}: block {block} does not decompress");
        GC.KeepAlive(_pinnedSection); // the section in memory, if any, stays until it is decompressed
        int inBlock = (int)(docId % (uint)_perBlock);
        int count = Math.Min(_perBlock, (int)(DocumentCount - (ulong)block * (ulong)_perBlock));
        int header = 4 * (count + 1);
        if (rawLength < header)
            ThrowHelper.Corrupt(_path, $"section {SectionKind.StoredFields}: block {block} is too short");
        uint start = BinaryPrimitives.ReadUInt32LittleEndian(raw[(4 * inBlock)..]);
        uint end = BinaryPrimitives.ReadUInt32LittleEndian(raw[(4 * inBlock + 4)..]);
        if (start > end || header + (long)end > rawLength)
            ThrowHelper.Corrupt(_path, $"section {SectionKind.StoredFields}: block {block} has a bad document offset");
        return raw.Slice(header + (int)start, (int)(end - start)).ToArray();
    }

    /// <summary>The source without its vector: every other property of the JSON object, in order (the id included).</summary>
    /// <exception cref="JsonException">The line is not a JSON object.</exception>
    public static byte[] SourceOf(ReadOnlySpan<byte> line)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        using var stream = new MemoryStream(line.Length);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!property.NameEquals("vector"u8))
                    property.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }
}

/// <summary>Collects documents' stored sources in docid order, compressing a block at a time, and writes the section.</summary>
public sealed class StoredFieldsWriter(int documentsPerBlock = StoredFieldsLayout.DefaultDocumentsPerBlock)
{
    private readonly List<byte[]> _blocks = [];
    private readonly List<uint> _rawLengths = [];
    private readonly List<byte[]> _pending = [];

    /// <summary>Documents added.</summary>
    public long Count { get; private set; }
    /// <summary>Bytes added, before compression.</summary>
    public long RawBytes { get; private set; }

    /// <summary>Adds the next document's source (UTF-8 JSON), compressing a block when it fills.</summary>
    public void Add(ReadOnlySpan<byte> source)
    {
        _pending.Add(source.ToArray());
        Count++;
        RawBytes += source.Length;
        if (_pending.Count == documentsPerBlock)
            Compress();
    }

    /// <summary>
    /// The documents added so far as a reader, over their section written to a pinned array: in-memory contents
    /// (a build before its transforms) read their stored sources back in another order this way.
    /// </summary>
    public StoredFields ToReader()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        var section = GC.AllocateUninitializedArray<byte>((int)stream.Length, pinned: true);
        stream.GetBuffer().AsSpan(0, section.Length).CopyTo(section);
        return StoredFields.InMemory(section, Count);
    }

    /// <summary>Writes the section's bytes.</summary>
    public void WriteTo(Stream output)
    {
        if (_pending.Count > 0)
            Compress();
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)documentsPerBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(word[4..], (uint)_blocks.Count);
        output.Write(word);
        word.Clear();
        output.Write(word);
        ulong offset = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(word, 0);
        output.Write(word);
        foreach (var block in _blocks)
        {
            offset += (ulong)block.Length;
            BinaryPrimitives.WriteUInt64LittleEndian(word, offset);
            output.Write(word);
        }
        output.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_rawLengths)));
        long tables = StoredFieldsLayout.HeaderSize + 8L * (_blocks.Count + 1) + 4L * _blocks.Count;
        output.Write(new byte[((tables + 7) & ~7L) - tables]);
        foreach (var block in _blocks)
            output.Write(block);
    }

    private void Compress()
    {
        int header = 4 * (_pending.Count + 1);
        var raw = new byte[header + _pending.Sum(p => p.Length)];
        int at = 0;
        for (int i = 0; i < _pending.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(4 * i), (uint)at);
            _pending[i].CopyTo(raw, header + at);
            at += _pending[i].Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(4 * _pending.Count), (uint)at);
        var compressed = new byte[LZ4Codec.MaximumOutputSize(raw.Length)];
        int length = LZ4Codec.Encode(raw, compressed, LZ4Level.L00_FAST);
        _blocks.Add(compressed[..length]);
        _rawLengths.Add((uint)raw.Length);
        _pending.Clear();
    }
}
