using System.Buffers.Binary;
using System.Text;

namespace SpladeFast.Format;

/// <summary>
/// A section of strings addressed by position:
/// <code>
///   0 Count u64   8 Offsets u64[Count + 1] (into the blob)   then the UTF-8 blob
/// </code>
/// </summary>
public static class StringTable
{
    /// <summary>Writes <paramref name="strings"/> as one section, in their order, UTF-8 encoded.</summary>
    public static void Write(Stream output, IReadOnlyList<string> strings)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(word, (ulong)strings.Count);
        output.Write(word);
        ulong offset = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(word, offset);
        output.Write(word);
        foreach (var s in strings)
        {
            offset += (ulong)Encoding.UTF8.GetByteCount(s);
            BinaryPrimitives.WriteUInt64LittleEndian(word, offset);
            output.Write(word);
        }
        byte[] buffer = new byte[256];
        foreach (var s in strings)
        {
            int length = Encoding.UTF8.GetByteCount(s);
            if (buffer.Length < length)
                buffer = new byte[length];
            Encoding.UTF8.GetBytes(s, buffer);
            output.Write(buffer, 0, length);
        }
    }
}

/// <summary>A validated view over a <see cref="StringTable"/> section.</summary>
public readonly unsafe struct StringTableReader
{
    private readonly byte* _offsets;
    private readonly byte* _blob;

    /// <summary>Checks the section's count and that every offset lies in the blob and does not decrease.</summary>
    /// <param name="path">The index file, for errors.</param>
    /// <param name="name">The section, for errors (e.g. "vocabulary").</param>
    /// <param name="section">The section's first byte, in memory that outlives the reader.</param>
    /// <param name="length">The section's bytes.</param>
    /// <exception cref="IndexCorruptException">The section is truncated or an offset is out of order or out of range.</exception>
    public StringTableReader(string path, string name, byte* section, ulong length)
    {
        if (length < 16)
            ThrowHelper.Corrupt(path, $"{name} section is too short");
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(section, 8));
        if (count > (length - 16) / 8)
            ThrowHelper.Corrupt(path, $"{name} section is truncated");
        _offsets = section + 8;
        _blob = _offsets + (count + 1) * 8;
        ulong blobLength = length - 8 - (count + 1) * 8;
        ulong previous = 0;
        for (ulong i = 0; i <= count; i++)
        {
            ulong offset = ReadOffset(i);
            if (offset < previous || offset > blobLength || (i == 0 && offset != 0))
                ThrowHelper.Corrupt(path, $"{name} section has a bad string offset at {i}");
            previous = offset;
        }
        Count = (long)count;
    }

    /// <summary>Strings in the table.</summary>
    public long Count { get; }

    private ulong ReadOffset(ulong i) => BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_offsets + i * 8, 8));

    /// <summary>String <paramref name="index"/> as its UTF-8 bytes in the section, without copying.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such string.</exception>
    public ReadOnlySpan<byte> GetUtf8(long index)
    {
        if ((ulong)index >= (ulong)Count)
            ThrowHelper.ArgumentOutOfRange(nameof(index), "No such string.");
        ulong start = ReadOffset((ulong)index), end = ReadOffset((ulong)index + 1);
        return new ReadOnlySpan<byte>(_blob + start, checked((int)(end - start)));
    }

    /// <summary>String <paramref name="index"/>, decoded.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such string.</exception>
    public string Get(long index) => Encoding.UTF8.GetString(GetUtf8(index));
}
