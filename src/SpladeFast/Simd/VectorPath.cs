using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpladeFast.Simd;

/// <summary>An implementation width of a vectorized kernel; every kernel keeps its scalar reference.</summary>
public enum VectorPath
{
    /// <summary>Plain loops: the reference.</summary>
    Scalar,
    /// <summary>128-bit vectors (SSE2, NEON).</summary>
    Vector128,
    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256,
    /// <summary>512-bit vectors (AVX-512F).</summary>
    Vector512,
}

/// <summary>Which paths this machine runs.</summary>
public static class VectorPaths
{
    /// <summary>Every path, narrowest first.</summary>
    public static IReadOnlyList<VectorPath> All { get; } = Enum.GetValues<VectorPath>();

    /// <summary>Whether the hardware accelerates <paramref name="path"/> (scalar always).</summary>
    public static bool IsSupported(VectorPath path) => path switch
    {
        VectorPath.Scalar => true,
        VectorPath.Vector128 => Vector128.IsHardwareAccelerated,
        VectorPath.Vector256 => Vector256.IsHardwareAccelerated && Avx2.IsSupported,
        VectorPath.Vector512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        _ => false,
    };

    /// <summary>The widest supported path.</summary>
    public static VectorPath Widest { get; } = All.Reverse().First(IsSupported);
}
