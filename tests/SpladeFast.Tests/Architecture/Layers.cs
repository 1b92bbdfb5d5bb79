using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace SpladeFast.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, lowest first: a namespace (with its sub-namespaces) may use only the
/// namespaces of the layers before its own, never one of its own layer's other members or one above. A rule that
/// forbids every upward dependency also forbids every cycle between layers.
/// </summary>
public static class Layers
{
    /// <summary>The engine (src/SpladeFast), one folder a namespace; "SpladeFast" alone is the root namespace.</summary>
    public static IReadOnlyList<string[]> Engine { get; } =
    [
        ["SpladeFast"],
        ["SpladeFast.Format"],
        ["SpladeFast.Simd"],
        ["SpladeFast.Codecs"],
        ["SpladeFast.Storage"],
        ["SpladeFast.Quantize"],
        ["SpladeFast.Ingest"],
        ["SpladeFast.Index"],
        ["SpladeFast.Cursors"],
        ["SpladeFast.TopK"],
        ["SpladeFast.Algorithms"],
        ["SpladeFast.Run"],
        ["SpladeFast.Eval"],
        ["SpladeFast.Build"],
        ["SpladeFast.Rewrite", "SpladeFast.Synthetic"],
        ["SpladeFast.Prune", "SpladeFast.Reorder"],
        ["SpladeFast.Transforms"],
        ["SpladeFast.Shards"],
        ["SpladeFast.Live"],
        ["SpladeFast.Execution"],
    ];

    /// <summary>
    /// The assemblies, lowest first (each one's namespaces start with its name). The server host is an executable
    /// that nothing references; it sits with the command line on top.
    /// </summary>
    public static IReadOnlyList<string[]> Assemblies { get; } =
    [
        ["SpladeFast"],
        ["SpladeFast.Encoders", "SpladeFast.Interop", "SpladeFast.Cuda"],
        ["SpladeFast.Model", "SpladeFast.Onnx", "SpladeFast.Experiments", "SpladeFast.Server"],
        ["SpladeFast.Cluster"],
        ["SpladeFast.Cli"],
    ];

    /// <summary>
    /// Every type of <paramref name="types"/> that uses a namespace of its own layer (other than its own) or of a
    /// layer above, as "type -> forbidden namespaces". Types outside every listed namespace are not checked.
    /// </summary>
    public static IReadOnlyList<string> Violations(Func<Types> types, IReadOnlyList<string[]> layers)
    {
        var found = new List<string>();
        for (int i = 0; i < layers.Count; i++)
        {
            foreach (string name in layers[i])
            {
                string[] forbidden = layers.Skip(i + 1).SelectMany(l => l).Concat(layers[i].Where(n => n != name)).ToArray();
                if (forbidden.Length == 0)
                    continue;
                var result = types().That().ResideInNamespaceMatching($"^{Regex.Escape(name)}(\\..*)?$")
                    .And().DoNotResideInNamespaceMatching(Nested(name, layers))
                    .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
                if (!result.IsSuccessful)
                    found.AddRange(result.FailingTypeNames.Select(t => $"{t} (in {name}) uses one of {string.Join(", ", forbidden)}"));
            }
        }
        return found;
    }

    /// <summary>The listed namespaces inside <paramref name="name"/> ("SpladeFast.Server.Host" inside "SpladeFast.Server"), checked on their own.</summary>
    private static string Nested(string name, IReadOnlyList<string[]> layers)
    {
        var inside = layers.SelectMany(l => l).Where(n => n != name && (name == "SpladeFast" || n.StartsWith(name + ".", StringComparison.Ordinal))).ToList();
        // "SpladeFast" holds every other namespace: only its own types are the root layer's.
        return inside.Count == 0 ? "^$" : $"^({string.Join("|", inside.Select(Regex.Escape))})(\\..*)?$";
    }

    public static Assembly Load(string name) => Assembly.Load(name == "SpladeFast.Cli" ? "splade-fast" : name);
}
