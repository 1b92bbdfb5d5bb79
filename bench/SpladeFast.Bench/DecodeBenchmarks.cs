using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SpladeFast.Codecs;
using SpladeFast.Simd;

namespace SpladeFast.Bench;

/// <summary>Bit-unpacking throughput per path and bit width; the scalar reference is the baseline.</summary>
[Config(typeof(Config))]
public class DecodeBenchmarks
{
    private const int Blocks = 256;
    private byte[] _packed = [];
    private readonly uint[] _output = new uint[BitPacking.BlockSize];

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new IntegersPerNanosecondColumn());
            WithOption(ConfigOptions.DisableOptimizationsValidator, false);
        }
    }

    [Params(1, 4, 7, 8, 11, 16, 24, 32)]
    public int Bits { get; set; }

    [ParamsSource(nameof(Paths))]
    public VectorPath Path { get; set; }

    public static IEnumerable<VectorPath> Paths() => Enum.GetValues<VectorPath>().Where(BlockUnpacker.IsSupported);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Bits);
        int blockBytes = BitPacking.PackedBytes(BitPacking.BlockSize, Bits);
        _packed = new byte[Blocks * blockBytes + BitPacking.ReadPadding];
        var values = new uint[BitPacking.BlockSize];
        for (int b = 0; b < Blocks; b++)
        {
            for (int i = 0; i < values.Length; i++)
                values[i] = (uint)random.NextInt64(0, (long)BitPacking.Mask(Bits) + 1);
            BitPacking.Pack(values, Bits, _packed.AsSpan(b * blockBytes));
        }
    }

    [Benchmark(OperationsPerInvoke = Blocks * BitPacking.BlockSize)]
    public uint Unpack()
    {
        int blockBytes = BitPacking.PackedBytes(BitPacking.BlockSize, Bits);
        uint sink = 0;
        for (int b = 0; b < Blocks; b++)
        {
            BlockUnpacker.Unpack(Path, _packed.AsSpan(b * blockBytes), Bits, _output);
            sink += _output[b & 127];
        }
        return sink;
    }
}
