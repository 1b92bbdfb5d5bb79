using System.Buffers.Binary;
using System.Text.Json;
using SpladeFast.Ingest;

namespace SpladeFast.Encoders.Splade;

/// <summary>One tensor of a safetensors file as float32, row-major.</summary>
/// <param name="Shape">Its dimensions.</param>
/// <param name="Values">Its elements, converted from F32, F16 or BF16.</param>
public sealed record SafeTensor(long[] Shape, float[] Values);

/// <summary>
/// Reads Hugging Face safetensors without a deep-learning runtime: an 8-byte little-endian header length, a JSON
/// header (<c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}</c>), then raw
/// little-endian data. F32, F16 and BF16 tensors load as float32.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>Reads every tensor of the file.</summary>
    /// <exception cref="InvalidDataException">The file is not safetensors (its header is cut, not JSON, or does not
    /// describe the data), a tensor has a dtype other than F32, F16 or BF16, or holds NaN or infinity; the message
    /// names the file and the tensor.</exception>
    public static Dictionary<string, SafeTensor> Read(string path)
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
        var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        foreach (var entry in ReadHeader(path, header, file.Length - dataStart))
        {
            var bytes = new byte[entry.End - entry.Begin];
            file.Position = dataStart + entry.Begin;
            file.ReadExactly(bytes);
            var values = ToSingles(bytes, entry.DType);
            int bad = FloatChecks.FirstNonFinite(values);
            if (bad >= 0)
                throw new InvalidDataException($"{path}: tensor {entry.Name} holds {FloatChecks.Name(values[bad])} at element {bad}: the weights are damaged "
                    + "(or the training that wrote them diverged) and would make every vector empty or wrong");
            tensors[entry.Name] = new SafeTensor(entry.Shape, values);
        }
        return tensors;
    }

    private sealed record HeaderEntry(string Name, string DType, long[] Shape, long Begin, long End);

    /// <summary>The tensors a header describes, checked against the <paramref name="dataLength"/> bytes after it.</summary>
    private static List<HeaderEntry> ReadHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (its header is not JSON: {JsonErrors.Reason(e)})", e);
        }
        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: not a safetensors file (its header is JSON {json.RootElement.ValueKind}, not an object)");
            var entries = new List<HeaderEntry>();
            foreach (var entry in json.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                    continue;
                var value = entry.Value;
                InvalidDataException Bad(string what) => new($"{path}: not a safetensors file (tensor {entry.Name}: {what})");
                if (value.ValueKind != JsonValueKind.Object)
                    throw Bad("not a JSON object");
                string dtype = value.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : throw Bad("no dtype");
                long[] shape = Integers(value, "shape") ?? throw Bad("no shape of non-negative integers");
                long[] offsets = Integers(value, "data_offsets") is [long begin, long end] pair && begin <= end ? pair : throw Bad("no data_offsets [begin, end]");
                int width = dtype switch
                {
                    "F32" => 4,
                    "F16" or "BF16" => 2,
                    _ => throw new InvalidDataException($"{path}: tensor {entry.Name} has dtype {dtype}; F32, F16 and BF16 are supported"),
                };
                long count;
                try
                {
                    count = shape.Aggregate(1L, (a, b) => checked(a * b));
                }
                catch (OverflowException)
                {
                    throw Bad($"shape [{string.Join(", ", shape)}] is too large");
                }
                if (offsets[1] - offsets[0] != count * width || offsets[1] > dataLength)
                    throw new InvalidDataException($"{path}: tensor {entry.Name} has data offsets that do not match its shape or the file");
                entries.Add(new HeaderEntry(entry.Name, dtype, shape, offsets[0], offsets[1]));
            }
            return entries;
        }
    }

    /// <summary>The property as an array of non-negative integers, or null.</summary>
    private static long[]? Integers(JsonElement value, string name)
    {
        if (!value.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
            return null;
        var integers = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out integers[i]) || integers[i] < 0)
                return null;
            i++;
        }
        return integers;
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
