namespace SpladeFast;

/// <summary>
/// Progress of one stage of long work (building, rewriting, querying, importing), in the stage's own
/// <paramref name="Unit"/> ("bytes", "terms", "documents", "queries", ...). The bottom layer's type, so every layer
/// reports through the same <see cref="IProgress{T}"/> that the command line and the server display.
/// </summary>
public readonly record struct BuildProgress(string Stage, long Done, long Total, string Unit);
