using System.Buffers.Binary;
using System.IO.Hashing;
using SpladeFast.Format;

namespace SpladeFast.Live;

/// <summary>
/// The small files of a live index (commit points, deleted-document bitmaps): an 8-byte magic naming the kind, a
/// u32 version, the payload's length (u64), the payload, and an XxHash3 of everything before it, so a damaged or
/// truncated file is detected, never trusted.
/// </summary>
internal static class ChecksummedFile
{
    public const uint Version = 1;
    private const int HeaderSize = 8 + 4 + 8;

    public static byte[] Encode(ReadOnlySpan<byte> magic, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[HeaderSize + payload.Length + 8];
        magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), (ulong)payload.Length);
        payload.CopyTo(bytes.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(HeaderSize + payload.Length), XxHash3.HashToUInt64(bytes.AsSpan(0, HeaderSize + payload.Length)));
        return bytes;
    }

    /// <exception cref="IndexCorruptException">Wrong magic or version, truncated, or a checksum mismatch.</exception>
    public static byte[] Read(string path, ReadOnlySpan<byte> magic)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize + 8 || !bytes.AsSpan(0, 8).SequenceEqual(magic))
            ThrowHelper.Corrupt(path, $"not a {System.Text.Encoding.ASCII.GetString(magic)} file, or truncated");
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) != Version)
            ThrowHelper.Corrupt(path, $"version {BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8))}; this build reads version {Version}");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12));
        if (length != (ulong)(bytes.Length - HeaderSize - 8))
            ThrowHelper.Corrupt(path, "the length does not match the file (truncated?)");
        if (XxHash3.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)))
            ThrowHelper.Corrupt(path, "checksum mismatch");
        return bytes[HeaderSize..^8];
    }
}
