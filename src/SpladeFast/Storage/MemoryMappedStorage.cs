using System.IO.MemoryMappedFiles;

namespace SpladeFast.Storage;

/// <summary>Maps the file read-only; pages load on demand and are shared between processes.</summary>
public sealed unsafe class MemoryMappedStorage : IIndexStorage
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    public MemoryMappedStorage(string path)
    {
        Path = path;
        Length = new FileInfo(path).Length;
        if (Length == 0)
            ThrowHelper.Corrupt(path, "the file is empty");
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, Length, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _pointer);
        _pointer += _view.PointerOffset;
    }

    public string Path { get; }
    public long Length { get; }
    public byte* Pointer => _pointer;

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
