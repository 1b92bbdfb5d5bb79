namespace SpladeFast.Ingest;

/// <summary>Reads lines as UTF-8 byte spans from a reusable buffer: no string per line.</summary>
public sealed class Utf8LineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly FileStream _file;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;

    public Utf8LineReader(string path)
    {
        Path = path;
        _stream = InputFiles.Open(path, out _file);
    }

    public string Path { get; }
    public long LineNumber { get; private set; }

    /// <summary>Bytes of the underlying file consumed so far (compressed bytes for .gz), for progress.</summary>
    public long FilePosition => _file.Position;
    public long FileLength => _file.Length;

    /// <summary>The next line without its terminator (LF or CRLF); false at the end.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = Trim(_buffer.AsSpan(_start, newline));
                _start += newline + 1;
                LineNumber++;
                return true;
            }
            if (_eof)
            {
                if (_start < _end)
                {
                    line = Trim(_buffer.AsSpan(_start, _end - _start));
                    _start = _end;
                    LineNumber++;
                    return true;
                }
                line = default;
                return false;
            }
            Fill();
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

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
        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
            _eof = true;
        _end += read;
    }

    public void Dispose() => _stream.Dispose();
}
