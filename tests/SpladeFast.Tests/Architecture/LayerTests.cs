using NetArchTest.Rules;
using SpladeFast.Index;

namespace SpladeFast.Tests.Architecture;

/// <summary>Guards the layers of docs/architecture.md: every dependency points down, so there is no cycle.</summary>
public class LayerTests
{
    [Fact]
    public void Engine_folders_depend_only_on_folders_below_them()
    {
        var engine = typeof(SparseIndex).Assembly;
        Assert.Empty(Layers.Violations(() => Types.InAssembly(engine), Layers.Engine));
    }

    [Fact]
    public void Assemblies_depend_only_on_assemblies_below_them()
    {
        var assemblies = Layers.Assemblies.SelectMany(l => l).Select(Layers.Load).ToList();
        Assert.Empty(Layers.Violations(() => Types.InAssemblies(assemblies), Layers.Assemblies));
        // The same order read from the assembly references themselves.
        var order = Layers.Assemblies.SelectMany((layer, i) => layer.Select(name => (Name: Layers.Load(name).GetName().Name!, Layer: i)))
            .ToDictionary(a => a.Name, a => a.Layer);
        foreach (var assembly in assemblies)
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (order.TryGetValue(reference.Name!, out int layer))
                    Assert.True(layer < order[assembly.GetName().Name!], $"{assembly.GetName().Name} references {reference.Name}, which is not below it");
            }
        }
    }

    [Fact]
    public void The_engine_references_no_format_library_only_interop_needs()
    {
        var references = typeof(SparseIndex).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("Parquet", references);
        Assert.DoesNotContain("Google.Protobuf", references);
        Assert.DoesNotContain("TorchSharp", Layers.Load("SpladeFast.Server").GetReferencedAssemblies().Select(a => a.Name));
    }

    [Fact]
    public void The_rule_catches_an_upward_dependency_and_a_cycle()
    {
        Func<Types> fakes = () => Types.InAssembly(typeof(LayerTests).Assembly);
        const string Prefix = "SpladeFast.Tests.Architecture.Fake";

        // Lower and Upper in order: Lower.Bad calls Upper (inside a lambda, so in a compiler-made nested type).
        var upward = Layers.Violations(fakes, [[$"{Prefix}.Lower"], [$"{Prefix}.Upper"]]);
        Assert.Equal([$"{Prefix}.Lower.Bad"], upward.Select(v => v.Split(' ')[0]).Distinct());

        // Left and Right use each other: whichever order the layers are listed in, one use points up.
        Assert.NotEmpty(Layers.Violations(fakes, [[$"{Prefix}.Left"], [$"{Prefix}.Right"]]));
        Assert.NotEmpty(Layers.Violations(fakes, [[$"{Prefix}.Right"], [$"{Prefix}.Left"]]));
        // As peers of one layer they may not use each other either.
        Assert.Equal(2, Layers.Violations(fakes, [[$"{Prefix}.Left", $"{Prefix}.Right"]]).Count);

        // On the engine itself the rule is not vacuous: listed upside down, its layers break it.
        var upsideDown = Layers.Violations(() => Types.InAssembly(typeof(SparseIndex).Assembly), Layers.Engine.Reverse().ToList());
        Assert.Contains(upsideDown, v => v.StartsWith("SpladeFast.Algorithms.SearchContext ", StringComparison.Ordinal));

        // The same types listed the other way round (Upper below Lower) break no rule: nothing in Upper uses Lower.
        Assert.Empty(Layers.Violations(fakes, [[$"{Prefix}.Upper"], [$"{Prefix}.Lower"]]));
    }
}
