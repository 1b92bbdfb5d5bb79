using System.IO.Compression;
using Google.Protobuf;
using SpladeFast.Cursors;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Interop.Ciff;

/// <summary>
/// Writes an index as CIFF: every non-empty posting list (term, df, cf = sum of impacts, d-gapped docids, tf =
/// impact), then a record per document (collection id, length = sum of its impacts, as impact indexes count
/// "length"). Terms and document ids must be valid <see cref="Identifiers"/>: CIFF readers write them to lexicons
/// and runs. Written under a temporary name and renamed; gzip-compressed when the name ends in .gz.
/// </summary>
public static class CiffExport
{
    /// <summary>What <see cref="Write"/> wrote.</summary>
    /// <param name="PostingLists">Posting lists (non-empty terms).</param>
    /// <param name="Postings">Postings.</param>
    /// <param name="Documents">Document records.</param>
    public sealed record Report(int PostingLists, long Postings, int Documents);

    /// <summary>Writes <paramref name="index"/> as CIFF at <paramref name="path"/> (see the type).</summary>
    /// <exception cref="InvalidDataException">A term or document id no CIFF reader could write (<see cref="Identifiers"/>).</exception>
    public static Report Write(SparseIndex index, string path, IProgress<BuildProgress>? progress = null)
    {
        var lengths = new long[index.DocumentCount];
        var cursor = new BlockPostingCursor[1];
        int lists = 0;
        for (int t = 0; t < index.TermCount; t++)
        {
            if (index.Postings(t).PostingCount == 0)
                continue;
            lists++;
            ref var c = ref cursor[0];
            for (c.Reset(index.Postings(t), 1); c.DocId != PostingCursor.End; c.Next())
                lengths[c.DocId] += c.Score;
        }
        long totalLength = lengths.Sum();
        return AtomicFile.Write(path, file =>
        {
            // .gz compresses, as for JSONL exports (import reads gzip by its magic bytes).
            using var compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new BufferedStream(new GZipStream(file, CompressionLevel.Fastest), 1 << 20) : null;
            Stream stream = compressed ?? file;
            new Header
            {
                Version = 1,
                NumPostingsLists = lists,
                TotalPostingsLists = lists,
                NumDocRecords = index.DocumentCount,
                TotalDocs = index.DocumentCount,
                TotalTermsInCollection = totalLength,
                AverageDoclength = index.DocumentCount == 0 ? 0 : (double)totalLength / index.DocumentCount,
                Description = $"splade-fast export of {Path.GetFileName(index.Path)}: tf = quantized impact ({index.Metadata.Quantization})",
            }.WriteDelimitedTo(stream);
            var list = new PostingsList();
            for (int t = 0; t < index.TermCount; t++)
            {
                var postings = index.Postings(t);
                if (postings.PostingCount == 0)
                    continue;
                list.Term = Identifiers.Writable(index.Vocabulary[t], "term", path);
                list.Df = postings.PostingCount;
                list.Cf = 0;
                list.Postings.Clear();
                ref var c = ref cursor[0];
                uint previous = 0;
                for (c.Reset(postings, 1); c.DocId != PostingCursor.End; c.Next())
                {
                    list.Postings.Add(new Posting { Docid = (int)(c.DocId - previous), Tf = (int)c.Score });
                    list.Cf += c.Score;
                    previous = c.DocId;
                }
                list.WriteDelimitedTo(stream);
                if ((t & 1023) == 0)
                    progress?.Report(new BuildProgress("exporting", t, index.TermCount, "terms"));
            }
            for (int d = 0; d < index.DocumentCount; d++)
                new DocRecord { Docid = d, CollectionDocid = Identifiers.Writable(index.DocumentId((uint)d), "document id", path), Doclength = (int)Math.Min(int.MaxValue, lengths[d]) }.WriteDelimitedTo(stream);
            progress?.Report(new BuildProgress("exporting", index.TermCount, index.TermCount, "terms"));
            return new Report(lists, index.PostingCount, index.DocumentCount);
        });
    }
}
