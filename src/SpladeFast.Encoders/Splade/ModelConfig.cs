using System.Text.Json;
using SpladeFast.Ingest;

namespace SpladeFast.Encoders.Splade;

/// <summary>The masked-LM architectures supported (Hugging Face model_type).</summary>
public enum ModelKind
{
    /// <summary>BERT (Hugging Face model_type "bert").</summary>
    Bert,
    /// <summary>DistilBERT (model_type "distilbert").</summary>
    DistilBert,
}

/// <summary>The sizes of a BERT or DistilBERT masked-LM checkpoint, read from its Hugging Face config.json.</summary>
public sealed record ModelConfig(
    ModelKind Kind, int VocabularySize, int Hidden, int Layers, int Heads, int Intermediate,
    int MaxPositions, int TypeVocabularySize, double LayerNormEpsilon, string Activation)
{
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="Ingest.InputException">The file is not a JSON object.</exception>
    /// <exception cref="InvalidDataException">A size is missing or not a positive integer, or the model type or
    /// activation is not supported; the message names the file.</exception>
    public static ModelConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: config.json not found (a Hugging Face model directory needs one)", path);
        using var json = JsonInput.ParseObject(path, "a Hugging Face config.json");
        var root = json.RootElement;
        string type = Text(root, "model_type") ?? "";
        int Int(string name, int? fallback = null)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
                return fallback ?? throw new InvalidDataException($"{path}: missing \"{name}\"");
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int value) || value <= 0)
                throw new InvalidDataException($"{path}: \"{name}\" must be a positive integer, not {v.GetRawText()}");
            return value;
        }
        double epsilon = 1e-12;
        if (root.TryGetProperty("layer_norm_eps", out var eps) && eps.ValueKind != JsonValueKind.Null)
        {
            epsilon = eps.ValueKind == JsonValueKind.Number ? eps.GetDouble() : double.NaN;
            if (!double.IsFinite(epsilon) || epsilon <= 0)
                throw new InvalidDataException($"{path}: \"layer_norm_eps\" must be a positive number, not {eps.GetRawText()}");
        }
        var config = type switch
        {
            "bert" => new ModelConfig(ModelKind.Bert, Int("vocab_size"), Int("hidden_size"), Int("num_hidden_layers"), Int("num_attention_heads"),
                Int("intermediate_size"), Int("max_position_embeddings", 512), Int("type_vocab_size", 2), epsilon, Text(root, "hidden_act") ?? "gelu"),
            "distilbert" => new ModelConfig(ModelKind.DistilBert, Int("vocab_size"), Int("dim"), Int("n_layers"), Int("n_heads"),
                Int("hidden_dim"), Int("max_position_embeddings", 512), 0, 1e-12, Text(root, "activation") ?? "gelu"),
            _ => throw new InvalidDataException($"{path}: model_type \"{type}\" is not supported (bert or distilbert)"),
        };
        if (config.Hidden % config.Heads != 0)
            throw new InvalidDataException($"{path}: hidden size {config.Hidden} is not a multiple of {config.Heads} heads");
        if (config.Activation is not ("gelu" or "relu"))
            throw new InvalidDataException($"{path}: activation \"{config.Activation}\" is not supported (gelu or relu)");
        return config;
    }

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    /// <summary>The config.json Hugging Face writes for this model (what <see cref="Load"/> reads back).</summary>
    public string ToHuggingFaceJson()
    {
        var json = Kind == ModelKind.Bert
            ? new Dictionary<string, object>
            {
                ["architectures"] = new[] { "BertForMaskedLM" },
                ["model_type"] = "bert",
                ["vocab_size"] = VocabularySize,
                ["hidden_size"] = Hidden,
                ["num_hidden_layers"] = Layers,
                ["num_attention_heads"] = Heads,
                ["intermediate_size"] = Intermediate,
                ["max_position_embeddings"] = MaxPositions,
                ["type_vocab_size"] = TypeVocabularySize,
                ["layer_norm_eps"] = LayerNormEpsilon,
                ["hidden_act"] = Activation,
                ["pad_token_id"] = 0,
                ["tie_word_embeddings"] = true,
            }
            : new Dictionary<string, object>
            {
                ["architectures"] = new[] { "DistilBertForMaskedLM" },
                ["model_type"] = "distilbert",
                ["vocab_size"] = VocabularySize,
                ["dim"] = Hidden,
                ["n_layers"] = Layers,
                ["n_heads"] = Heads,
                ["hidden_dim"] = Intermediate,
                ["max_position_embeddings"] = MaxPositions,
                ["activation"] = Activation,
                ["pad_token_id"] = 0,
                ["tie_word_embeddings"] = true,
            };
        return JsonSerializer.Serialize(json, IndentedJson);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
