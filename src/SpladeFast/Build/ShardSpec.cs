using System.Globalization;

namespace SpladeFast.Build;

/// <summary>
/// Round-robin part <see cref="Part"/> of <see cref="Parts"/>: the records whose ordinal (0-based, bad records not
/// counted) is Part modulo Parts. Every machine reads the same input and keeps its own part, so global order is
/// recoverable: global docid = local docid x Parts + Part.
/// </summary>
public readonly record struct ShardSpec(int Part, int Parts)
{
    /// <summary>The index metadata property recording the part, as "i/n".</summary>
    public const string PropertyName = "shard";

    /// <summary>The whole collection: part 0 of 1.</summary>
    public static ShardSpec Whole => new(0, 1);

    /// <summary>Whether this is the whole collection.</summary>
    public bool IsWhole => Parts == 1;

    /// <summary>Whether the record of <paramref name="ordinal"/> (valid records counted from 0) belongs to this part.</summary>
    public bool Contains(long ordinal) => ordinal % Parts == Part;

    /// <summary>Reads "i/n" (0 &lt;= i &lt; n), as <c>index --shard</c> takes it.</summary>
    /// <exception cref="ArgumentException">Not of that form.</exception>
    public static ShardSpec Parse(string text)
    {
        var pieces = text.Split('/');
        if (pieces.Length == 2
            && int.TryParse(pieces[0], NumberStyles.None, CultureInfo.InvariantCulture, out int part)
            && int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parts)
            && parts > 0 && part < parts)
        {
            return new ShardSpec(part, parts);
        }
        throw new ArgumentException($"shard '{text}': expected i/n with 0 <= i < n");
    }

    /// <summary>"i/n", culture-invariant (the metadata property).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Part}/{Parts}");
}
