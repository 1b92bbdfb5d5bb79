namespace SpladeFast.Storage;

/// <summary>
/// The bytes of an index file at a fixed address for the storage's lifetime. Cursors keep raw pointers into it,
/// so an index must outlive every search over it.
/// </summary>
public unsafe interface IIndexStorage : IDisposable
{
    string Path { get; }
    long Length { get; }
    byte* Pointer { get; }
}
