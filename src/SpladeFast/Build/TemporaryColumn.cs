using System.Runtime.CompilerServices;

namespace SpladeFast.Build;

/// <summary>
/// An array of unmanaged values streamed to a temporary file next to the index being written, deleted on dispose:
/// bmp data of a billion postings would not fit in memory beside the postings themselves. Named as
/// <see cref="Format.TemporaryFiles"/> says, so the next build of the index removes it if this process is killed.
/// </summary>
internal sealed class TemporaryColumn<T> : IDisposable where T : unmanaged
{
    private readonly FileStream _file;

    public TemporaryColumn(string indexPath, string name)
    {
        string path = Format.TemporaryFiles.For(indexPath, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // the index writer makes it too, but only at the end
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
    }

    public long Count { get; private set; }

    public void Append(ReadOnlySpan<T> values)
    {
        _file.Position = _file.Length;
        _file.Write(MemoryMarshal.AsBytes(values));
        Count += values.Length;
    }

    public void CopyTo(Stream destination)
    {
        _file.Flush();
        _file.Position = 0;
        _file.CopyTo(destination, 1 << 20);
        _file.Position = _file.Length;
    }

    /// <summary>Reads the values back from the first; each <see cref="Read"/> continues where the last stopped.</summary>
    public void Rewind()
    {
        _file.Flush();
        _file.Position = 0;
    }

    /// <summary>The next values after <see cref="Rewind"/>, up to the buffer's length; 0 at the end.</summary>
    public int Read(Span<T> values)
    {
        long done = _file.Position / Unsafe.SizeOf<T>();
        int count = (int)Math.Min(values.Length, Count - done);
        _file.ReadExactly(MemoryMarshal.AsBytes(values[..count]));
        return count;
    }

    public void Dispose() => _file.Dispose();
}
