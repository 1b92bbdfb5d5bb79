using System.Runtime.InteropServices;

namespace SpladeFast.Storage;

/// <summary>
/// The whole file copied into native memory, in huge pages where the system has them: no page faults during
/// timing runs and few TLB misses.
/// </summary>
public sealed unsafe class InMemoryStorage : IIndexStorage
{
    private byte* _pointer;

    /// <summary>A copy of <paramref name="bytes"/>, named <paramref name="path"/> in messages (tests open damaged copies this way).</summary>
    public InMemoryStorage(string path, ReadOnlySpan<byte> bytes)
    {
        Path = path;
        Length = bytes.Length;
        _pointer = NativeMemoryAdvice.Allocate((nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(_pointer, bytes.Length));
    }

    /// <summary>Reads the whole file at <paramref name="path"/> into native memory.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static InMemoryStorage Load(string path)
    {
        using var file = File.OpenRead(path);
        var storage = new InMemoryStorage(path, file.Length);
        long done = 0;
        while (done < file.Length)
        {
            var chunk = new Span<byte>(storage._pointer + done, (int)Math.Min(file.Length - done, 1 << 30));
            file.ReadExactly(chunk);
            done += chunk.Length;
        }
        return storage;
    }

    private InMemoryStorage(string path, long length)
    {
        Path = path;
        Length = length;
        _pointer = NativeMemoryAdvice.Allocate((nuint)length);
    }

    /// <inheritdoc/>
    public string Path { get; }
    /// <inheritdoc/>
    public long Length { get; }
    /// <inheritdoc/>
    public byte* Pointer => _pointer;

    /// <summary>Frees the memory.</summary>
    public void Dispose()
    {
        if (_pointer == null)
            return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }
}
