using SpladeFast.Format;
using SpladeFast.Ingest;

namespace SpladeFast.Cli;

/// <summary>Runs a command's work and turns expected failures into one clear line on stderr, never a stack trace.</summary>
internal static class CliAction
{
    public const int Failure = 1;

    public static int Run(Func<int> work)
    {
        try
        {
            return work();
        }
        catch (Exception ex) when (ex is InputException or IndexCorruptException or FileNotFoundException
                                       or DirectoryNotFoundException or IOException or UnauthorizedAccessException
                                       or ArgumentException or InvalidOperationException or InvalidDataException
                                       or System.Text.Json.JsonException or Cuda.Native.CudaException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Failure;
        }
    }
}
