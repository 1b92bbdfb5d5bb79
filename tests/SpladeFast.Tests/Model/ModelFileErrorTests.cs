using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SpladeFast.Experiments;
using SpladeFast.Ingest;
using SpladeFast.Model;
using SpladeFast.Model.Checkpoints;
using SpladeFast.Encoders;
using SpladeFast.Encoders.Lexical;
using SpladeFast.Encoders.Splade;
using SpladeFast.Encoders.Tokenization;
using SpladeFast.Model.Training;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Model;

/// <summary>Every bad model-side file gives an error that names it (and its line where it has lines); non-finite weights are refused.</summary>
[Collection("Torch")]
public class ModelFileErrorTests
{
    /// <summary>The error message starts with the file (and line), and carries none of .NET's zero-based JSON positions.</summary>
    private static void AssertNamesFile(Exception error, string path, int line = 0)
    {
        Assert.StartsWith(line > 0 ? $"{path}:{line}: " : $"{path}: ", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
        Assert.DoesNotContain("BytePositionInLine", error.Message);
    }

    private static byte[] SafeTensorsFile(string header, int dataBytes = 0)
    {
        var bytes = new byte[8 + Encoding.UTF8.GetByteCount(header) + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)Encoding.UTF8.GetByteCount(header));
        Encoding.UTF8.GetBytes(header, bytes.AsSpan(8));
        return bytes;
    }

    [Theory]
    [InlineData("", "its header is not JSON")]
    [InlineData("[1, 2]", "its header is JSON Array, not an object")]
    [InlineData("""{"w": 3}""", "tensor w: not a JSON object")]
    [InlineData("""{"w": {"shape": [2], "data_offsets": [0, 8]}}""", "tensor w: no dtype")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}""", "tensor w: no shape of non-negative integers")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}}""", "tensor w: no shape of non-negative integers")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2], "data_offsets": [8]}}""", "tensor w: no data_offsets [begin, end]")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}""", "tensor w: no data_offsets [begin, end]")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}""", "is too large")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 16]}}""", "tensor w has data offsets that do not match")]
    [InlineData("""{"w": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}""", "tensor w has dtype I64")]
    public void A_damaged_safetensors_header_names_the_file_and_what_is_wrong(string header, string reason)
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        File.WriteAllBytes(path, SafeTensorsFile(header.PadRight(header.Length + 16 - header.Length % 8), dataBytes: 8));
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        AssertNamesFile(error, path);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void The_case_header_of_zero_bytes_is_not_a_safetensors_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        // A header length of 16, then 16 zero bytes.
        File.Copy(CaseFiles.Path("2026-11-30", "errors-without-file", "model-header-not-json.safetensors"), path);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.StartsWith($"{path}: not a safetensors file (its header is not JSON: '0x00' is an invalid start of a value", error.Message);
    }

    [Theory]
    [InlineData("{\n\"model_type\": \"bert\",\n\"hidden_size\": 32,,\n}", "not a Hugging Face config.json", 3)]
    [InlineData("[]", "expected a JSON object, found Array", 0)]
    [InlineData("""{"model_type": "bert", "vocab_size": 8, "hidden_size": 32.5, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8}""", "\"hidden_size\" must be a positive integer, not 32.5", 0)]
    [InlineData("""{"model_type": "bert", "vocab_size": 8, "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 0, "intermediate_size": 8}""", "\"num_attention_heads\" must be a positive integer, not 0", 0)]
    [InlineData("""{"model_type": "bert", "vocab_size": 8, "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8, "layer_norm_eps": "small"}""", "\"layer_norm_eps\" must be a positive number", 0)]
    [InlineData("""{"model_type": "distilbert", "vocab_size": 8, "dim": 32, "n_layers": 1, "n_heads": 2}""", "missing \"hidden_dim\"", 0)]
    public void A_bad_config_json_names_the_file(string json, string reason, int line)
    {
        using var dir = new TempDirectory();
        string path = dir.File("config.json");
        File.WriteAllText(path, json);
        var error = Assert.ThrowsAny<Exception>(() => ModelConfig.Load(path));
        Assert.True(error is InputException or InvalidDataException, error.GetType().Name);
        AssertNamesFile(error, path, line);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Bad_tokenizer_files_name_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b"]);
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\"do_lower_case\": true\n\"strip_accents\": null}");
        AssertNamesFile(Assert.Throws<InputException>(() => SpladeTokenizer.FromDirectory(dir.Path)), dir.File("tokenizer_config.json"), 2);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"do_lower_case": "yes"}""");
        Assert.Contains("do_lower_case must be true, false or null", Assert.Throws<InputException>(() => SpladeTokenizer.FromDirectory(dir.Path)).Message);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"tokenize_chinese_chars": false}""");
        var error = Assert.Throws<InputException>(() => SpladeTokenizer.FromDirectory(dir.Path));
        AssertNamesFile(error, dir.File("tokenizer_config.json"));
        Assert.Contains("tokenize_chinese_chars false is not supported", error.Message);

        File.WriteAllLines(dir.File("no-cls.txt"), ["[PAD]", "[UNK]", "[SEP]", "a"]);
        error = Assert.Throws<InputException>(() => SpladeTokenizer.FromVocabulary(dir.File("no-cls.txt")));
        AssertNamesFile(error, dir.File("no-cls.txt"));
        Assert.Contains("no [CLS] token", error.Message);
    }

    [Theory]
    [InlineData("{\"model\": ", "not a Hugging Face tokenizer.json")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}, "merges": []}, "normalizer": {"type": "BertNormalizer"}}""", "model type \"BPE\" is not supported (WordPiece)")]
    [InlineData("""{"model": {"vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 3}}, "normalizer": {"type": "BertNormalizer"}}""", "the id of '[SEP]' (3) is not one of 0 to 2")]
    [InlineData("""{"model": {"vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 1}}, "normalizer": {"type": "BertNormalizer"}}""", "the id of '[SEP]' (1) is not one of 0 to 2 that no other token has")]
    [InlineData("""{"model": {"vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}}, "normalizer": null}""", "no normalizer")]
    [InlineData("""{"model": {"vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}}, "normalizer": {"type": "NFKC"}}""", "normalizer type \"NFKC\" is not supported")]
    [InlineData("""{"model": {"vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}}, "normalizer": {"type": "BertNormalizer", "handle_chinese_chars": false}}""", "handle_chinese_chars false is not supported")]
    [InlineData("""{"model": {"vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}, "max_input_chars_per_word": 200}, "normalizer": {"type": "BertNormalizer"}}""", "max_input_chars_per_word 200 is not supported")]
    [InlineData("""{"model": {"vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}}, "normalizer": {"type": "BertNormalizer"}, "pre_tokenizer": {"type": "Whitespace"}}""", "pre_tokenizer type \"Whitespace\" is not supported")]
    public void A_tokenizer_json_that_would_tokenize_differently_is_refused_by_name(string json, string reason)
    {
        using var dir = new TempDirectory();
        string path = dir.File("tokenizer.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<InputException>(() => SpladeTokenizer.FromTokenizerJson(path));
        Assert.StartsWith($"{path}", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_bad_token_weight_file_names_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a"]);
        var tokenizer = SpladeTokenizer.FromVocabulary(dir.File("vocab.txt"));
        File.WriteAllText(dir.File("idf.json"), "{\"a\": 1.5,\n\"b\": }");
        AssertNamesFile(Assert.Throws<InputException>(() => new IdfQueryEncoder(tokenizer, dir.File("idf.json"))), dir.File("idf.json"), 2);
        File.WriteAllText(dir.File("idf.json"), """{"a": "high"}""");
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => new IdfQueryEncoder(tokenizer, dir.File("idf.json"))), dir.File("idf.json"));
    }

    [Fact]
    public void Bad_training_configs_and_examples_name_the_file_and_line()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("c.json"), "{\n  \"document_model\": {\"vocab\": \"v\"},\n  \"total_steps\": \"ten\",\n  \"data\": {\"triples\": \"t\"}\n}");
        var error = Assert.Throws<InputException>(() => TrainingConfig.Load(dir.File("c.json")));
        AssertNamesFile(error, dir.File("c.json"), 3);
        Assert.Contains("$.total_steps", error.Message);
        File.WriteAllText(dir.File("c.yaml"), "document_model: {vocab: v}\ndata: [unclosed\n");
        AssertNamesFile(Assert.Throws<InputException>(() => TrainingConfig.Load(dir.File("c.yaml"))), dir.File("c.yaml"), 3);
        File.WriteAllText(dir.File("c.yaml"), "document_model: {vocab: v}\n? [a, b]\n: 1\n");
        AssertNamesFile(Assert.Throws<InputException>(() => TrainingConfig.Load(dir.File("c.yaml"))), dir.File("c.yaml"), 2);
        File.WriteAllText(dir.File("c.yaml"), "document_model: {vocab: v}\ndata: {triples: t}\nlerning_rate: 1\n");
        error = Assert.Throws<InputException>(() => TrainingConfig.Load(dir.File("c.yaml")));
        AssertNamesFile(error, dir.File("c.yaml"));
        Assert.Contains("lerning_rate", error.Message);

        File.WriteAllLines(dir.File("collection.tsv"), ["d1\tfirst doc"]);
        File.WriteAllLines(dir.File("queries.tsv"), ["q1\twhat is first"]);
        File.WriteAllLines(dir.File("examples.jsonl"), ["""{"qid": "q1", "pos": ["d1"]}""", """{"qid": "q1", "pos": "d1"}"""]);
        error = Assert.Throws<InputException>(() => TrainingData.ReadExamples(new DataConfig { Collection = dir.File("collection.tsv"), Queries = dir.File("queries.tsv"), Examples = dir.File("examples.jsonl") }));
        AssertNamesFile(error, dir.File("examples.jsonl"), 2);
        Assert.Contains("$.pos", error.Message);
    }

    [Fact]
    public void Bad_experiment_configs_name_the_file_and_line()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("e.json"), "{\n  \"synth\": {\"documents\": 10, \"queries\": 2},\n  \"k\": [10,, 100]\n}");
        AssertNamesFile(Assert.Throws<InputException>(() => PruningExperimentConfig.Load(dir.File("e.json"))), dir.File("e.json"), 3);
        File.WriteAllText(dir.File("e.json"), """{"synth": {"documents": 10, "queries": 2}, "strategies": [{"strategy": "no-such", "values": [1]}]}""");
        var error = Assert.Throws<InputException>(() => PruningExperimentConfig.Load(dir.File("e.json")));
        AssertNamesFile(error, dir.File("e.json"));
        Assert.Contains("no-such", error.Message);
    }

    [Fact]
    public void The_non_finite_scan_finds_nan_and_infinity_anywhere_and_nothing_else()
    {
        for (int length = 0; length < 70; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => (float)Math.Sin(i) * 1e30f).ToArray();
            values.AsSpan().Fill(float.MaxValue);
            if (length > 0)
                values[length / 2] = -float.Epsilon;
            Assert.Equal(-1, FloatChecks.FirstNonFinite(values));
            for (int at = 0; at < length; at++)
            {
                foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)) })
                {
                    var copy = (float[])values.Clone();
                    copy[at] = bad;
                    if (at + 1 < length)
                        copy[length - 1] = float.NaN;
                    Assert.Equal(at, FloatChecks.FirstNonFinite(copy));
                }
            }
        }
    }

    [Trait("Category", "SharedData")]
    [SkippableTheory]
    [InlineData("cls.predictions.bias", 7, float.NaN, "NaN")]
    [InlineData("bert.encoder.layer.1.attention.self.query.weight", 100, float.NegativeInfinity, "-infinity")]
    public void A_checkpoint_with_non_finite_weights_is_refused_naming_the_tensor(string tensor, int element, float value, string name)
    {
        string source = SharedData.Require("fixtures/encoders/tiny-bert-mlm");
        using var dir = new TempDirectory();
        string model = CopyWithWeight(source, dir.File("ck-nan"), tensor, element, value);
        var error = Assert.Throws<InvalidDataException>(() => Backends.Load(model, "torch").Dispose());
        Assert.StartsWith($"{Path.Combine(model, "model.safetensors")}: tensor {tensor} holds {name} at element {element}:", error.Message);
    }

    /// <summary>Copies a checkpoint directory, setting one F32 element of one tensor by patching the file's bytes.</summary>
    internal static string CopyWithWeight(string source, string target, string tensor, int element, float value)
    {
        Directory.CreateDirectory(target);
        foreach (string name in new[] { "config.json", "vocab.txt" })
            File.Copy(Path.Combine(source, name), Path.Combine(target, name));
        var bytes = File.ReadAllBytes(Path.Combine(source, "model.safetensors"));
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        long begin = header.RootElement.GetProperty(tensor).GetProperty("data_offsets")[0].GetInt64();
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)(8 + headerLength + begin + 4L * element)), value);
        File.WriteAllBytes(Path.Combine(target, "model.safetensors"), bytes);
        return target;
    }
}
