using System.Globalization;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.GZip;

namespace SpladeFast.Ingest;

/// <summary>
/// Decompresses gzip with the runtime's zlib and refuses a file that ends early. zlib checks the CRC-32 and size
/// trailer of every member it finishes, but <see cref="GZipStream"/> reports the end of the compressed bytes as
/// the end of the data, so a half-copied file would be read as a shorter, valid one. The stream therefore keeps
/// the CRC-32 and length of everything it returns and, at the end, compares them with the file's last trailer
/// (RFC 1952, section 2.3.1). They agree for every complete single-member file; when they do not, the file is
/// either truncated or made of several members (<c>cat a.gz b.gz</c>), and SharpZipLib, which checks every
/// member's trailer, reads it once more to tell which.
/// </summary>
internal sealed class CheckedGzipStream(string path, FileStream file) : Stream
{
    private const int TrailerBytes = 8;

    private readonly GZipStream _gzip = new(file, CompressionMode.Decompress);
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _checked;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <exception cref="InputException">The file ends before its last gzip member does, or a member is damaged.</exception>
    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = _gzip.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new InputException(path, 0, $"damaged gzip data ({e.Message})");
        }
        if (read > 0)
        {
            _crc.Append(buffer[..read]);
            _length += read;
        }
        else if (buffer.Length > 0 && !_checked)
        {
            _checked = true;
            CheckEnd();
        }
        return read;
    }

    private void CheckEnd()
    {
        Span<byte> trailer = stackalloc byte[TrailerBytes];
        long fileLength = RandomAccess.GetLength(file.SafeFileHandle);
        bool matches = fileLength >= TrailerBytes
            && RandomAccess.Read(file.SafeFileHandle, trailer, fileLength - TrailerBytes) == TrailerBytes
            && BinaryPrimitives.ReadUInt32LittleEndian(trailer) == _crc.GetCurrentHashAsUInt32()
            && BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) == (uint)_length;
        if (matches)
            return;
        try
        {
            using var again = new GZipInputStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
            again.CopyTo(Null);
        }
        catch (Exception e) when (e is SharpZipBaseException or EndOfStreamException or InvalidDataException)
        {
            throw new InputException(path, 0, string.Create(CultureInfo.InvariantCulture, $"the gzip data ends early or is damaged after {_length:N0} "
                + $"decompressed bytes ({e.Message}); the file is probably truncated (an interrupted copy or download)"));
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _gzip.Dispose();
        base.Dispose(disposing);
    }
}
