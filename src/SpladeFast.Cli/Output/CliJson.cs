using System.Text.Json;

namespace SpladeFast.Cli.Output;

internal static class CliJson
{
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true };
}
