using System.Diagnostics.CodeAnalysis;

namespace SpladeFast.Format;

/// <summary>Throws kept out of hot methods so the JIT can inline the callers.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ArgumentOutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);

    [DoesNotReturn]
    public static void Argument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void DestinationTooShort(string paramName) =>
        throw new ArgumentException("Destination is too short.", paramName);

    [DoesNotReturn]
    public static void SourceTooShort(string paramName) =>
        throw new ArgumentException("Source is too short (packed data plus read padding).", paramName);

    /// <summary>
    /// Damage found by a hot path's own check in place of a bounds check: reported as a value out of range, which
    /// SearchContext.IsDamage turns into a corrupt-section error for indexes opened without checksum verification.
    /// </summary>
    [DoesNotReturn]
    public static void ValueOutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);

    [DoesNotReturn]
    public static void Corrupt(string path, string message) =>
        throw new IndexCorruptException(path, message);
}
