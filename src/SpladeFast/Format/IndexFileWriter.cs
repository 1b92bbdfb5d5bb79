using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace SpladeFast.Format;

/// <summary>
/// Writes an index file section by section into a temporary file beside the target, then renames it into
/// place on <see cref="Commit"/>: a failed or interrupted build never leaves a file that opens as an index. Dead
/// writers' temporary files of the same path go first (see <see cref="TemporaryFiles"/>).
/// </summary>
public sealed class IndexFileWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporaryPath;
    private readonly FileStream _file;
    private readonly List<SectionEntry> _sections = [];
    private SectionStream? _open;
    private bool _committed;

    /// <summary>Claims a temporary name beside <paramref name="path"/> (removing dead writers' leftovers) and reserves the header and table.</summary>
    /// <param name="path">The index file to write; its directory is created if missing.</param>
    public IndexFileWriter(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _temporaryPath = TemporaryFiles.Claim(_path, $"{Guid.NewGuid():N}");
        _file = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        _file.Write(new byte[IndexLayout.HeaderSize + IndexLayout.MaxSections * IndexLayout.SectionEntrySize]);
    }

    /// <summary>Starts a section; write its bytes to the returned stream, then call <see cref="EndSection"/>.</summary>
    public Stream BeginSection(SectionKind kind)
    {
        if (_open is not null)
            throw new InvalidOperationException("A section is already open.");
        if (_sections.Count == IndexLayout.MaxSections)
            throw new InvalidOperationException("Too many sections.");
        Pad();
        _open = new SectionStream(_file, kind);
        return _open;
    }

    /// <summary>Ends the open section, recording its offset, length and checksum in the table.</summary>
    /// <exception cref="InvalidOperationException">No section is open.</exception>
    public void EndSection()
    {
        var open = _open ?? throw new InvalidOperationException("No section is open.");
        _sections.Add(new SectionEntry
        {
            Kind = open.Kind,
            Offset = (ulong)open.Start,
            Length = (ulong)open.Length,
            Checksum = open.Hash.GetCurrentHashAsUInt64(),
        });
        _open = null;
    }

    /// <summary>Writes a whole section from <paramref name="bytes"/>.</summary>
    public void WriteSection(SectionKind kind, ReadOnlySpan<byte> bytes)
    {
        BeginSection(kind).Write(bytes);
        EndSection();
    }

    /// <summary>Writes the header and section table, flushes to disk and renames the file into place.</summary>
    /// <param name="header">The counts, scale and quantization; magic, version (<see cref="IndexLayout.Version"/>), section count, block size and checksum are set here.</param>
    /// <exception cref="InvalidOperationException">A section is still open.</exception>
    public void Commit(IndexHeader header) => CommitAsVersion(header, IndexLayout.Version);

    /// <summary>The same, the header stamped <paramref name="version"/>: tests and benchmarks writing an older version's file.</summary>
    internal void CommitAsVersion(IndexHeader header, uint version)
    {
        if (_open is not null)
            throw new InvalidOperationException("A section is still open.");
        header.Magic = MemoryMarshal.Read<ulong>(IndexLayout.Magic);
        header.Version = version;
        header.SectionCount = (uint)_sections.Count;
        header.BlockSize = IndexLayout.BlockSize;
        var table = MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_sections));
        header.Checksum = HeaderChecksum(header, table);
        _file.Position = 0;
        _file.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<IndexHeader>(in header)));
        _file.Write(table);
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        File.Move(_temporaryPath, _path, overwrite: true);
        _committed = true;
    }

    internal static ulong HeaderChecksum(IndexHeader header, ReadOnlySpan<byte> sectionTable)
    {
        var hash = new XxHash3();
        hash.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<IndexHeader>(in header))[..(IndexLayout.HeaderSize - 8)]);
        hash.Append(sectionTable);
        return hash.GetCurrentHashAsUInt64();
    }

    private void Pad()
    {
        int pad = (int)(-_file.Position & (IndexLayout.SectionAlignment - 1));
        Span<byte> zeros = stackalloc byte[IndexLayout.SectionAlignment];
        zeros.Clear();
        _file.Write(zeros[..pad]);
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        if (_committed)
            return;
        _file.Dispose();
        try
        {
            File.Delete(_temporaryPath);
        }
        catch (IOException)
        {
            // Best effort: the temporary name never opens as an index anyway.
        }
    }

    /// <summary>Appends to the file while hashing and counting the section's bytes.</summary>
    private sealed class SectionStream(FileStream file, SectionKind kind) : Stream
    {
        public SectionKind Kind { get; } = kind;
        public long Start { get; } = file.Position;
        public XxHash3 Hash { get; } = new();
        public override long Length => file.Position - Start;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Hash.Append(buffer);
            file.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void WriteByte(byte value) => Write([value]);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => Length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
