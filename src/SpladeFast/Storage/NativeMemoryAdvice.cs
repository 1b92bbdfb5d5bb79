using System.Runtime.InteropServices;

namespace SpladeFast.Storage;

/// <summary>
/// Transparent huge pages for large in-memory indexes. Queries touch a few cache lines here and there across
/// gigabytes; with 4 KiB pages nearly every one of them also misses the TLB, with 2 MiB pages most do not. Where
/// the kernel leaves huge pages to <c>madvise</c> (Debian's default), a region must ask for them before it is
/// first touched. Advice only: where it is refused or unknown, memory stays in small pages.
/// </summary>
internal static unsafe partial class NativeMemoryAdvice
{
    public const nuint HugePageSize = 2 << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE, linux/mman.h

    /// <summary>
    /// Allocates <paramref name="length"/> bytes (free with <see cref="NativeMemory.AlignedFree"/>): from one huge page
    /// up, aligned to huge pages and advised to use them on Linux; smaller ones cache-line aligned, not padded to 2 MiB.
    /// </summary>
    public static byte* Allocate(nuint length)
    {
        if (length < HugePageSize)
            return (byte*)NativeMemory.AlignedAlloc(Math.Max(length, 1), 64);
        nuint rounded = (length + HugePageSize - 1) & ~(HugePageSize - 1);
        var pointer = (byte*)NativeMemory.AlignedAlloc(rounded, HugePageSize);
        if (OperatingSystem.IsLinux())
            _ = Madvise(pointer, rounded, MadviseHugePage);
        return pointer;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
