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

    public long Count { get; }

    private ulong ReadOffset(ulong i) => BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_offsets + i * 8, 8));

    public ReadOnlySpan<byte> GetUtf8(long index)
    {
        if ((ulong)index >= (ulong)Count)
            ThrowHelper.ArgumentOutOfRange(nameof(index), "No such string.");
        ulong start = ReadOffset((ulong)index), end = ReadOffset((ulong)index + 1);
        return new ReadOnlySpan<byte>(_blob + start, checked((int)(end - start)));
    }

    public string Get(long index) => Encoding.UTF8.GetString(GetUtf8(index));
}
