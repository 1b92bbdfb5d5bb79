using SpladeFast.Ingest;
using SpladeFast.Live;

namespace SpladeFast.Server;

/// <summary>
/// Where <c>POST /documents</c> and <c>DELETE /documents/{id}</c> write: a live index of this process
/// (<see cref="LiveDocumentWriter"/>), or the live shards of a cluster. A write is durable and searchable when it
/// returns.
/// </summary>
public interface IDocumentWriter
{
    /// <summary>Adds documents, or replaces those whose ids exist.</summary>
    /// <param name="lines">JSONL document lines (<c>{"id", "vector", ...}</c>), named in errors by position from 1.</param>
    /// <exception cref="BadRequestException">A bad document (nothing written), or 503 when where it belongs cannot take writes now.</exception>
    WriteResponse Add(IReadOnlyList<byte[]> lines);

    /// <summary>Deletes the document with id <paramref name="id"/> (absent: nothing to do).</summary>
    /// <exception cref="BadRequestException">503 when where it belongs cannot take writes now.</exception>
    WriteResponse Delete(string id);
}

/// <summary>Writes to a live index opened for writing in this process.</summary>
public sealed class LiveDocumentWriter(LiveIndex live) : IDocumentWriter
{
    public WriteResponse Add(IReadOnlyList<byte[]> lines)
    {
        try
        {
            int replaced = live.Add(lines, "request body", Enumerable.Range(1, lines.Count).Select(n => (long)n).ToList());
            var stats = live.Stats();
            return new WriteResponse(lines.Count, replaced, 0, stats.Generation, stats.BufferedDocuments);
        }
        catch (InputException e)
        {
            throw new BadRequestException($"document {e.Line}: {e.Reason}");
        }
    }

    public WriteResponse Delete(string id)
    {
        int deleted = live.Delete([id]);
        var stats = live.Stats();
        return new WriteResponse(0, 0, deleted, stats.Generation, stats.BufferedDocuments);
    }
}
