using TorchSharp;
using TorchSharp.Modules;

namespace SpladeFast.Model.Modules;

/// <summary>
/// A parameter-free level of the module tree, so parameters carry Hugging Face's dotted names
/// (for example attention.self.query.weight) without mirroring every Python class.
/// </summary>
internal sealed class NamedScope : torch.nn.Module
{
    public NamedScope(string name, params (string Name, torch.nn.Module Module)[] children) : base(name)
    {
        foreach (var (childName, module) in children)
            register_module(childName, module);
    }

    public void Add(string name, Parameter parameter) => register_parameter(name, parameter);
}
