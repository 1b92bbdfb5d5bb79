using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace SpladeFast.Model.Checkpoints;

/// <summary>Hugging Face safetensors as TorchSharp tensors (the format: <see cref="SafeTensorsFile"/>).</summary>
public static class SafeTensors
{
    /// <summary>Reads every tensor of the file (<see cref="SafeTensorsFile.Read"/>) as float32 tensors.</summary>
    /// <exception cref="InvalidDataException">As <see cref="SafeTensorsFile.Read"/>.</exception>
    public static Dictionary<string, Tensor> Read(string path) =>
        SafeTensorsFile.Read(path).ToDictionary(t => t.Key, t => tensor(t.Value.Values, t.Value.Shape), StringComparer.Ordinal);

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
        Format.AtomicFile.Write(path, file =>
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
            return 0;
        });
    }
}
