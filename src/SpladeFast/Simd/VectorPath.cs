using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpladeFast.Simd;

/// <summary>An implementation width of a vectorized kernel; every kernel keeps its scalar reference.</summary>
public enum VectorPath
{
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

public static class VectorPaths
{
    public static IReadOnlyList<VectorPath> All { get; } = Enum.GetValues<VectorPath>();

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
