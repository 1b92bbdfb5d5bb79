using System.Diagnostics.CodeAnalysis;

namespace SpladeFast;

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

    [DoesNotReturn]
    public static void Corrupt(string path, string message) =>
        throw new Format.IndexCorruptException(path, message);
}
