using CsCheck;
using SpladeFast.Codecs;
using SpladeFast.Simd;

namespace SpladeFast.Tests.Codecs;

public class BitPackingTests
{
    public static TheoryData<int> BitWidths() => new(Enumerable.Range(0, 33));

    private static uint[] RandomValues(Random random, int count, int bits)
    {
        uint mask = BitPacking.Mask(bits);
        var values = new uint[count];
        for (int i = 0; i < count; i++)
            values[i] = (uint)random.NextInt64(0, (long)mask + 1);
        // Force the top bit so the width is exactly `bits`.
        if (bits > 0 && count > 0)
            values[random.Next(count)] |= 1u << (bits - 1);
        return values;
    }

    [Theory]
    [MemberData(nameof(BitWidths))]
    public void Every_length_round_trips_through_the_scalar_reference(int bits)
    {
        var random = new Random(bits);
        for (int count = 1; count <= BitPacking.BlockSize; count++)
        {
            var values = RandomValues(random, count, bits);
            var packed = new byte[BitPacking.PackedBytes(count, bits) + BitPacking.ReadPadding];
            int written = BitPacking.Pack(values, bits, packed);
            Assert.Equal(BitPacking.PackedBytes(count, bits), written);
            var decoded = new uint[count];
            BitPacking.UnpackScalar(packed, count, bits, decoded);
            Assert.Equal(values, decoded);
        }
    }

    [Theory]
    [MemberData(nameof(BitWidths))]
    public void Every_vector_path_equals_the_scalar_path(int bits)
    {
        var random = new Random(1000 + bits);
        var paths = Enum.GetValues<VectorPath>().Where(BlockUnpacker.IsSupported).ToArray();
        Assert.Contains(VectorPath.Scalar, paths);
        for (int trial = 0; trial < 20; trial++)
        {
            var values = RandomValues(random, BitPacking.BlockSize, bits);
            var packed = new byte[BitPacking.PackedBytes(BitPacking.BlockSize, bits) + BitPacking.ReadPadding];
            // Non-zero padding must not leak into the decoded values.
            random.NextBytes(packed.AsSpan(BitPacking.PackedBytes(BitPacking.BlockSize, bits)));
            BitPacking.Pack(values, bits, packed);
            var expected = new uint[BitPacking.BlockSize];
            BitPacking.UnpackScalar(packed, BitPacking.BlockSize, bits, expected);
            Assert.Equal(values, expected);
            foreach (var path in paths)
            {
                var decoded = new uint[BitPacking.BlockSize];
                BlockUnpacker.Unpack(path, packed, bits, decoded);
                Assert.True(expected.AsSpan().SequenceEqual(decoded), $"{path} differs at {bits} bits");
            }
        }
    }

    [Fact]
    public void The_machine_gets_a_vector_path_where_it_has_one()
    {
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            Assert.NotEqual(VectorPath.Scalar, BlockUnpacker.Best);
        Assert.True(BlockUnpacker.IsSupported(BlockUnpacker.Best));
    }

    [Fact]
    public void Arguments_are_checked_before_any_work()
    {
        var values = new uint[BitPacking.BlockSize];
        Assert.Throws<ArgumentOutOfRangeException>(() => BitPacking.Pack(values, 33, new byte[1024]));
        Assert.Throws<ArgumentException>(() => BitPacking.Pack([5u], 2, new byte[16]));
        Assert.Throws<ArgumentException>(() => BitPacking.Pack(values, 8, new byte[10]));
        Assert.Throws<ArgumentException>(() => BlockUnpacker.Unpack(VectorPath.Scalar, new byte[16 * 8], 8, new uint[128]));
        Assert.Throws<ArgumentException>(() => BlockUnpacker.Unpack(VectorPath.Scalar, new byte[16 * 8 + 16], 8, new uint[127]));
    }

    [Fact]
    public void Random_blocks_round_trip_with_the_best_path() =>
        Gen.Int[0, 32].SelectMany(bits => Gen.UInt[0, BitPacking.Mask(bits)].Array[BitPacking.BlockSize].Select(values => (bits, values)))
            .Sample(c =>
            {
                var packed = new byte[BitPacking.PackedBytes(BitPacking.BlockSize, c.bits) + BitPacking.ReadPadding];
                BitPacking.Pack(c.values, c.bits, packed);
                var decoded = new uint[BitPacking.BlockSize];
                BlockUnpacker.Unpack(packed, c.bits, decoded);
                Assert.Equal(c.values, decoded);
            }, iter: 500);
}
