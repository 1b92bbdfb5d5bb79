using System.IO.MemoryMappedFiles;
using SpladeFast.Format;

namespace SpladeFast.Storage;

/// <summary>Maps the file read-only; pages load on demand and are shared between processes.</summary>
public sealed unsafe class MemoryMappedStorage : IIndexStorage
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    /// <summary>Maps <paramref name="path"/> read-only (the file may be deleted or replaced while mapped).</summary>
    /// <exception cref="IOException">The file cannot be opened or mapped.</exception>
    /// <exception cref="Format.IndexCorruptException">The file is empty.</exception>
    public MemoryMappedStorage(string path)
    {
        Path = path;
        // The length of the open file, not of the path: FileInfo reports a symbolic link's own few bytes.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        Length = stream.Length;
        if (Length == 0)
        {
            stream.Dispose();
            ThrowHelper.Corrupt(path, "the file is empty");
        }
        _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        _view = _file.CreateViewAccessor(0, Length, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _pointer);
        _pointer += _view.PointerOffset;
    }

    /// <inheritdoc/>
    public string Path { get; }
    /// <inheritdoc/>
    public long Length { get; }
    /// <inheritdoc/>
    public byte* Pointer => _pointer;

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_pointer == null)
            return;
        _pointer = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
