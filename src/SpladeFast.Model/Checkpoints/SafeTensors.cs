using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Checkpoints;

/// <summary>
/// Reads Hugging Face safetensors: an 8-byte little-endian header length, a JSON header
/// (<c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}</c>), then raw
/// little-endian data. F32, F16 and BF16 tensors load as float32.
/// </summary>
public static class SafeTensors
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (file.Length < 8 || file.Read(lengthBytes) != 8)
            throw new InvalidDataException($"{path}: not a safetensors file (shorter than its 8-byte header length)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)file.Length - 8 || headerLength > 100_000_000)
            throw new InvalidDataException($"{path}: not a safetensors file (header length {headerLength} exceeds the file)");
        var header = new byte[headerLength];
        file.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var json = JsonDocument.Parse(header);
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
                continue;
            string dtype = entry.Value.GetProperty("dtype").GetString() ?? "";
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            long count = shape.Aggregate(1L, (a, b) => a * b);
            int width = dtype switch
            {
                "F32" => 4,
                "F16" or "BF16" => 2,
                _ => throw new InvalidDataException($"{path}: tensor {entry.Name} has dtype {dtype}; F32, F16 and BF16 are supported"),
            };
            if (offsets.Length != 2 || offsets[1] - offsets[0] != count * width || dataStart + offsets[1] > file.Length)
                throw new InvalidDataException($"{path}: tensor {entry.Name} has data offsets that do not match its shape or the file");
            var bytes = new byte[offsets[1] - offsets[0]];
            file.Position = dataStart + offsets[0];
            file.ReadExactly(bytes);
            tensors[entry.Name] = tensor(ToSingles(bytes, dtype), shape);
        }
        return tensors;
    }

    /// <summary>Writes tensors (converted to <paramref name="dtype"/>: F32, F16 or BF16) in name order.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, string dtype = "F32")
    {
        int width = dtype switch
        {
            "F32" => 4,
            "F16" or "BF16" => 2,
            _ => throw new ArgumentException($"dtype {dtype}: F32, F16 or BF16", nameof(dtype)),
        };
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        long offset = 0;
        foreach (var name in names)
        {
            long bytes = tensors[name].numel() * width;
            header[name] = new { dtype, shape = tensors[name].shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padding = (8 - json.Length % 8) % 8;
        string temporary = $"{path}.tmp-{Environment.ProcessId}";
        using (var file = File.Create(temporary))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(json.Length + padding));
            file.Write(length);
            file.Write(json);
            for (int i = 0; i < padding; i++)
                file.WriteByte((byte)' ');
            foreach (var name in names)
            {
                using var values = tensors[name].detach().cpu().to_type(ScalarType.Float32).contiguous();
                var singles = values.data<float>().ToArray();
                if (dtype == "F32")
                {
                    file.Write(MemoryMarshal.AsBytes(singles.AsSpan()));
                    continue;
                }
                var halves = new ushort[singles.Length];
                for (int i = 0; i < singles.Length; i++)
                {
                    halves[i] = dtype == "F16"
                        ? BitConverter.HalfToUInt16Bits((Half)singles[i])
                        : (ushort)((BitConverter.SingleToUInt32Bits(singles[i]) + 0x7FFF + ((BitConverter.SingleToUInt32Bits(singles[i]) >> 16) & 1)) >> 16);
                }
                file.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static float[] ToSingles(byte[] bytes, string dtype)
    {
        if (dtype == "F32")
            return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        var halves = MemoryMarshal.Cast<byte, ushort>(bytes);
        var singles = new float[halves.Length];
        for (int i = 0; i < halves.Length; i++)
        {
            singles[i] = dtype == "F16"
                ? (float)BitConverter.UInt16BitsToHalf(halves[i])
                : BitConverter.Int32BitsToSingle(halves[i] << 16);
        }
        return singles;
    }
}
