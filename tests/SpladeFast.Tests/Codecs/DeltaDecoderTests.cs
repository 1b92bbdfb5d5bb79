using SpladeFast.Codecs;
using SpladeFast.Format;

namespace SpladeFast.Tests.Codecs;

public class DeltaDecoderTests
{
    [Fact]
    public void Vector_prefix_sums_equal_scalar_for_every_length_up_to_two_blocks_plus_one()
    {
        var random = new Random(7);
        for (int length = 0; length <= 2 * BitPacking.BlockSize + 1; length++)
        {
            var gaps = Enumerable.Range(0, length).Select(_ => (uint)random.Next(0, 1000)).ToArray();
            foreach (uint previous in new[] { uint.MaxValue, 0u, 12345u })
            {
                var expected = gaps.ToArray();
                DeltaDecoder.DecodeScalar(expected, previous);
                var actual = gaps.ToArray();
                DeltaDecoder.Decode(actual, previous);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void A_list_start_decodes_from_docid_zero()
    {
        var gaps = new uint[] { 0, 0, 4 };
        DeltaDecoder.Decode(gaps, uint.MaxValue);
        Assert.Equal(new uint[] { 0, 1, 6 }, gaps);
    }

    [Fact]
    public void Blocks_round_trip_for_every_tail_length()
    {
        var random = new Random(3);
        var buffer = new byte[PostingBlockCodec.MaxBlockBytes + BitPacking.ReadPadding];
        for (int count = 1; count <= BitPacking.BlockSize; count++)
        {
            foreach (uint previous in new[] { uint.MaxValue, 99u })
            {
                uint doc = previous;
                var docIds = new uint[count];
                var impacts = new uint[count];
                for (int i = 0; i < count; i++)
                {
                    doc = unchecked(doc + 1 + (uint)random.Next(0, count * 3));
                    docIds[i] = doc;
                    impacts[i] = (uint)random.Next(1, 70000);
                }
                Array.Clear(buffer);
                BlockSkip skip = PostingBlockCodec.Encode(docIds, impacts, previous, buffer, out int written);
                Assert.Equal(PostingBlockCodec.EncodedBytes(count, skip.DocBits, skip.ImpactBits), written);
                Assert.Equal(docIds[^1], skip.LastDocId);
                Assert.Equal(impacts.Max(), skip.MaxImpact);
                var decodedDocs = new uint[BitPacking.BlockSize];
                var decodedImpacts = new uint[BitPacking.BlockSize];
                PostingBlockCodec.DecodeDocIds(ref buffer[0], skip.DocBits, count, previous, decodedDocs);
                PostingBlockCodec.DecodeImpacts(ref buffer[0], skip.DocBits, skip.ImpactBits, count, decodedImpacts);
                Assert.Equal(docIds, decodedDocs[..count]);
                Assert.Equal(impacts, decodedImpacts[..count]);
            }
        }
    }

    [Fact]
    public void Encoding_rejects_docids_that_do_not_increase()
    {
        var buffer = new byte[PostingBlockCodec.MaxBlockBytes];
        Assert.Throws<ArgumentException>(() => PostingBlockCodec.Encode([3, 3], [1, 1], uint.MaxValue, buffer, out _));
        Assert.Throws<ArgumentException>(() => PostingBlockCodec.Encode([5], [1], 5, buffer, out _));
    }
}
