namespace SpladeFast.Cluster.Grains;

/// <summary>
/// One shard a silo holds, as the gateway needs it: its name (the file name, the same on every replica), its
/// round-robin part, the counts and quantization that decide how its scores and document order combine with the
/// other shards', and the header checksum that tells two versions of a file apart. A <see cref="Live"/> shard is a
/// live index directory (named by the directory) whose one writable copy this silo holds: its
/// <see cref="Checksum"/> names this opening of it (its term ids hold while it stays open), its vocabulary only
/// grows (<see cref="Terms"/> tokens now), and documents are added and deleted through this silo.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardDescription(
    [property: Id(0)] string Name,
    [property: Id(1)] string SiloName,
    [property: Id(2)] string Path,
    [property: Id(3)] string? Part,
    [property: Id(4)] long Documents,
    [property: Id(5)] long Postings,
    [property: Id(6)] double ImpactScale,
    [property: Id(7)] uint QuantBits,
    [property: Id(8)] bool HasRanges,
    [property: Id(9)] ulong Checksum,
    [property: Id(10)] long Bytes,
    [property: Id(11)] DateTime Modified,
    [property: Id(12)] bool Live,
    [property: Id(13)] int Terms);

/// <summary>
/// A query for one shard, in the shard's own term ids: parallel arrays of term ids and quantized weights. The
/// algorithm is a concrete name (auto is resolved by the gateway for the whole collection). <see cref="Floor"/>:
/// a score the global k best all reach, known from shards that answered before (0: none). <see cref="Checksum"/>:
/// the version of the shard file the term ids were mapped for; a silo that has since reloaded another refuses it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardQuery(
    [property: Id(0)] string QueryId,
    [property: Id(1)] int[] TermIds,
    [property: Id(2)] uint[] Weights,
    [property: Id(3)] int K,
    [property: Id(4)] string Algorithm,
    [property: Id(5)] long Floor,
    [property: Id(6)] bool InitialThreshold,
    [property: Id(7)] ulong Checksum);

/// <summary>
/// A shard's top k, best first: each hit's input ordinal in the shard (the gateway turns it into the global
/// ordinal that breaks ties), its integer score and its document id; with the work counters of the search.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardAnswer(
    [property: Id(0)] uint[] Ordinals,
    [property: Id(1)] long[] Scores,
    [property: Id(2)] string[] Ids,
    [property: Id(3)] long PostingsDecoded,
    [property: Id(4)] long DocumentsScored);

/// <summary>
/// The shards one silo holds, searched on that silo. Key: the silo's address (<see cref="Placement.SiloKeys"/>); placed on
/// that silo only, so a shard is searched only where its file is, and a query for several of the silo's shards is one call.
/// </summary>
public interface ISiloShardsGrain : IGrainWithStringKey
{
    Task<ShardDescription[]> Shards();

    /// <summary>
    /// A shard's tokens in term id order from term id <paramref name="from"/> on, for the version with checksum
    /// <paramref name="checksum"/> (a live shard's grow: a gateway asks for the ones it has not seen).
    /// </summary>
    /// <exception cref="KeyNotFoundException">The silo holds no such shard, or holds another version of it.</exception>
    Task<string[]> Tokens(string shard, ulong checksum, int from);

    /// <summary>Answers <paramref name="queries"/>[i] on shard <paramref name="shards"/>[i], the shards in parallel.</summary>
    /// <exception cref="ArgumentException">Unknown algorithm, or bmp on a shard without range data.</exception>
    /// <exception cref="KeyNotFoundException">The silo holds no such shard, or holds another version of it.</exception>
    Task<ShardAnswer[]> Search(string[] shards, ShardQuery[] queries);

    /// <summary>
    /// Adds documents to live shard <paramref name="shard"/> (one log record: all or none), replacing those whose
    /// ids it holds; durable and searchable when this returns. A bad line is answered in <see cref="LiveWriteAnswer.Error"/>,
    /// nothing written; it is named by <paramref name="positions"/>[i] (its place in the caller's batch).
    /// </summary>
    /// <exception cref="KeyNotFoundException">The silo holds no live shard of that name.</exception>
    Task<LiveWriteAnswer> Add(string shard, byte[][] lines, long[] positions);

    /// <summary>Deletes documents of live shard <paramref name="shard"/> by id; durable when this returns.</summary>
    /// <exception cref="KeyNotFoundException">The silo holds no live shard of that name.</exception>
    Task<LiveWriteAnswer> Delete(string shard, string[] ids);
}

/// <summary>
/// What a live shard took: documents added, replaced and deleted, its commit point generation and buffered
/// documents after the write, and its description now (its vocabulary may have grown). <see cref="Error"/>: a bad
/// document line, nothing written.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LiveWriteAnswer(
    [property: Id(0)] int Added,
    [property: Id(1)] int Replaced,
    [property: Id(2)] int Deleted,
    [property: Id(3)] long Generation,
    [property: Id(4)] int Pending,
    [property: Id(5)] ShardDescription Shard,
    [property: Id(6)] string? Error);
