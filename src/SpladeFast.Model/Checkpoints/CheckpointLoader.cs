using SpladeFast.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Checkpoints;

/// <summary>
/// Loads a Hugging Face masked-LM directory (config.json + model.safetensors) into a module by parameter name.
/// Extras (pooler, position ids) are ignored; a missing required tensor is an error naming it.
/// </summary>
public static class CheckpointLoader
{
    public static nn.Module<Tensor, Tensor, Tensor> Load(string directory, out ModelConfig config)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{directory}: model directory not found");
        config = ModelConfig.Load(Path.Combine(directory, "config.json"));
        string weights = Path.Combine(directory, "model.safetensors");
        if (!File.Exists(weights))
        {
            if (File.Exists(Path.Combine(directory, "pytorch_model.bin")))
                throw new InvalidDataException($"{directory}: only pytorch_model.bin (a Python pickle) is there; convert it to model.safetensors, e.g. in Python: "
                    + "AutoModelForMaskedLM.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)");
            throw new FileNotFoundException($"{directory}: model.safetensors not found", weights);
        }
        nn.Module<Tensor, Tensor, Tensor> model = config.Kind == ModelKind.Bert ? new BertMaskedLm(config) : new DistilBertMaskedLm(config);
        var tensors = SafeTensors.Read(weights);
        try
        {
            Assign(model, (IMaskedLm)model, tensors, weights);
        }
        finally
        {
            foreach (var t in tensors.Values)
                t.Dispose();
        }
        model.eval();
        return model;
    }

    private static void Assign(nn.Module model, IMaskedLm head, Dictionary<string, Tensor> tensors, string path)
    {
        // Tied checkpoints leave the decoder weight out; an untied one brings its own.
        head.UseDecoderWeight(tensors.GetValueOrDefault(head.DecoderWeightName));
        // Older BERT checkpoints name the MLM bias cls.predictions.decoder.bias.
        if (!tensors.ContainsKey(head.DecoderBiasName) && tensors.TryGetValue("cls.predictions.decoder.bias", out var legacyBias))
            tensors[head.DecoderBiasName] = legacyBias;
        var missing = new List<string>();
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (!tensors.TryGetValue(name, out var source))
                {
                    missing.Add(name);
                    continue;
                }
                if (!source.shape.SequenceEqual(parameter.shape))
                    throw new InvalidDataException($"{path}: tensor {name} has shape [{string.Join(", ", source.shape)}], the model expects [{string.Join(", ", parameter.shape)}]");
                parameter.copy_(source);
            }
        }
        if (missing.Count > 0)
            throw new InvalidDataException($"{path}: missing required tensors: {string.Join(", ", missing)}");
    }
}
