using System.Globalization;

namespace SpladeFast.Prune;

public enum PruningStrategy
{
    /// <summary>Document-centric: each document keeps its K heaviest terms.</summary>
    DocumentTop,
    /// <summary>Document-centric: each document keeps its heaviest terms up to a fraction of its weight.</summary>
    DocumentMass,
    /// <summary>Term-centric: each posting list keeps its K highest-impact postings.</summary>
    TermTop,
    /// <summary>Term-centric: each posting list keeps postings at or above its Q-quantile impact.</summary>
    TermQuantile,
    /// <summary>Agnostic: every posting below a global impact is dropped.</summary>
    MinImpact,
    /// <summary>Stop-word-like: lists longer than N postings are dropped whole.</summary>
    MaxDocumentFrequency,
}

/// <summary>A static pruning strategy and its parameter, as named on the command line and in experiment configs.</summary>
public readonly record struct PruningSpec(PruningStrategy Strategy, double Value)
{
    public static IReadOnlyDictionary<string, PruningStrategy> Names { get; } = new Dictionary<string, PruningStrategy>
    {
        ["doc-top"] = PruningStrategy.DocumentTop,
        ["doc-mass"] = PruningStrategy.DocumentMass,
        ["term-top"] = PruningStrategy.TermTop,
        ["term-quantile"] = PruningStrategy.TermQuantile,
        ["min-impact"] = PruningStrategy.MinImpact,
        ["max-df"] = PruningStrategy.MaxDocumentFrequency,
    };

    public string Name
    {
        get
        {
            var strategy = Strategy;
            return Names.First(n => n.Value == strategy).Key;
        }
    }

    public static PruningSpec Parse(string name, double value)
    {
        if (!Names.TryGetValue(name, out var strategy))
            throw new ArgumentException($"Unknown pruning strategy '{name}'. Known: {string.Join(", ", Names.Keys)}.");
        var spec = new PruningSpec(strategy, value);
        spec.Validate();
        return spec;
    }

    public void Validate()
    {
        bool valid = Strategy switch
        {
            PruningStrategy.DocumentTop or PruningStrategy.TermTop or PruningStrategy.MaxDocumentFrequency => Value >= 1 && Value == Math.Floor(Value),
            PruningStrategy.DocumentMass => Value is > 0 and <= 1,
            PruningStrategy.TermQuantile => Value is >= 0 and < 1,
            PruningStrategy.MinImpact => Value >= 0,
            _ => false,
        };
        if (!valid)
            throw new ArgumentException($"Invalid value {Value.ToString(CultureInfo.InvariantCulture)} for pruning strategy {Name}.");
    }

    public override string ToString() => $"{Name}={Value.ToString(CultureInfo.InvariantCulture)}";
}
