using System.Text;
using System.Text.Unicode;

namespace SpladeFast.Ingest;

/// <summary>
/// Reads lines as UTF-8 byte spans from a reusable buffer: no string per line. Every text input is read through
/// it, so all of them agree: plain or gzip (by magic bytes), a leading UTF-8 byte order mark is skipped (also
/// inside gzip), and a line that is not valid UTF-8 is an <see cref="InputException"/> naming it, never a
/// silent U+FFFD or an exception without a file. That holds under --skip-bad too: bytes that are not UTF-8 mostly
/// mean a file in another encoding, whose records skipping would drop by the thousands.
/// </summary>
public sealed class Utf8LineReader : IDisposable
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly FileStream _file;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Opens <paramref name="path"/> (plain or gzip) and skips a UTF-8 byte order mark.</summary>
    /// <exception cref="InputException">The path is a directory or does not exist.</exception>
    public Utf8LineReader(string path)
    {
        Path = path;
        _stream = InputFiles.Open(path, out _file);
        try
        {
            while (_end < ByteOrderMark.Length && !_eof)
                Fill();
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
        if (_buffer.AsSpan(0, _end).StartsWith(ByteOrderMark))
            _start = ByteOrderMark.Length;
    }

    /// <summary>The file, for errors.</summary>
    public string Path { get; }
    /// <summary>The 1-based number of the line last read.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Bytes of the underlying file consumed so far (compressed bytes for .gz), for progress.</summary>
    public long FilePosition => _file.Position;
    /// <summary>The underlying file's size (compressed size for .gz), for progress.</summary>
    public long FileLength => _file.Length;

    /// <summary>The next line without its terminator (LF or CRLF); false at the end.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = Checked(_buffer.AsSpan(_start, newline));
                _start += newline + 1;
                return true;
            }
            if (_eof)
            {
                if (_start < _end)
                {
                    line = Checked(_buffer.AsSpan(_start, _end - _start));
                    _start = _end;
                    return true;
                }
                line = default;
                return false;
            }
            Fill();
        }
    }

    /// <summary>Counts the line, drops a CR before the LF and refuses bytes that are not UTF-8.</summary>
    private ReadOnlySpan<byte> Checked(ReadOnlySpan<byte> line)
    {
        LineNumber++;
        if (line.Length > 0 && line[^1] == (byte)'\r')
            line = line[..^1];
        if (!Utf8.IsValid(line))
            throw new InputException(Path, LineNumber, $"invalid UTF-8 at byte {FirstInvalidByte(line) + 1} of the line; text inputs must be UTF-8");
        return line;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> line)
    {
        int offset = 0;
        while (System.Buffers.OperationStatus.Done == Rune.DecodeFromUtf8(line[offset..], out _, out int consumed))
            offset += consumed;
        return offset;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        int read;
        try
        {
            read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (InvalidDataException e)
        {
            throw new InputException(Path, LineNumber + 1, $"corrupt gzip data ({e.Message.TrimEnd('.')})");
        }
        if (read == 0)
            _eof = true;
        _end += read;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();
}
