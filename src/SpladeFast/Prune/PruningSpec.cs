using System.Globalization;

namespace SpladeFast.Prune;

/// <summary>The static pruning rules (Lassance et al., SIGIR 2023, and the agnostic and document-frequency rules).</summary>
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
    /// <summary>The strategies by their command-line names.</summary>
    public static IReadOnlyDictionary<string, PruningStrategy> Names { get; } = new Dictionary<string, PruningStrategy>
    {
        ["doc-top"] = PruningStrategy.DocumentTop,
        ["doc-mass"] = PruningStrategy.DocumentMass,
        ["term-top"] = PruningStrategy.TermTop,
        ["term-quantile"] = PruningStrategy.TermQuantile,
        ["min-impact"] = PruningStrategy.MinImpact,
        ["max-df"] = PruningStrategy.MaxDocumentFrequency,
    };

    /// <summary>The strategy's command-line name (e.g. "doc-top").</summary>
    public string Name
    {
        get
        {
            var strategy = Strategy;
            return Names.First(n => n.Value == strategy).Key;
        }
    }

    /// <summary>The spec the command line names, validated.</summary>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones), or a value the strategy does not take.</exception>
    public static PruningSpec Parse(string name, double value)
    {
        if (!Names.TryGetValue(name, out var strategy))
            throw new ArgumentException($"Unknown pruning strategy '{name}'. Known: {string.Join(", ", Names.Keys)}.");
        var spec = new PruningSpec(strategy, value);
        spec.Validate();
        return spec;
    }

    /// <summary>Checks the value: K and N whole numbers from 1, a fraction in (0, 1], a quantile in [0, 1), an impact from 0.</summary>
    /// <exception cref="ArgumentException">The value does not suit the strategy.</exception>
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

    /// <summary>"name=value", culture-invariant: the metadata property and the experiment tables use it.</summary>
    public override string ToString() => $"{Name}={Value.ToString(CultureInfo.InvariantCulture)}";
}
