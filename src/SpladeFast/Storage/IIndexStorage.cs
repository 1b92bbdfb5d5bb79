namespace SpladeFast.Storage;

/// <summary>
/// The bytes of an index file at a fixed address for the storage's lifetime. Cursors keep raw pointers into it,
/// so an index must outlive every search over it.
/// </summary>
public unsafe interface IIndexStorage : IDisposable
{
    /// <summary>The file, for messages.</summary>
    string Path { get; }
    /// <summary>The file's bytes.</summary>
    long Length { get; }
    /// <summary>The first byte, valid until disposed.</summary>
    byte* Pointer { get; }
}
