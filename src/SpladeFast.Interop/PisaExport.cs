using System.Globalization;
using System.Text;
using SpladeFast.Cursors;
using SpladeFast.Index;
using SpladeFast.Ingest;

namespace SpladeFast.Interop;

/// <summary>
/// Writes an index as a PISA binary collection so the same postings can be compressed and timed in PISA:
/// <c>PREFIX.docs</c> ([1, documents], then per term [n, docid...]), <c>PREFIX.freqs</c> (per term [n, impact...]),
/// <c>PREFIX.sizes</c> ([documents, terms per document...]), all u32 little-endian sequences; the lexicons
/// <c>PREFIX.terms</c> and <c>PREFIX.documents</c> (one per line, in id order); and queries in PISA's weighted
/// format, <c>qid:id id id</c> with each term id repeated by its integer weight (for <c>--weighted</c>).
/// Empty posting lists are left out (PISA does not take them), so term ids are renumbered densely. A term or
/// document id a lexicon line cannot hold (<see cref="Identifiers"/>) is an <see cref="InvalidDataException"/>.
/// </summary>
public static class PisaExport
{
    /// <summary>What <see cref="Write"/> wrote.</summary>
    /// <param name="Terms">Terms written (non-empty lists).</param>
    /// <param name="Postings">Postings.</param>
    /// <param name="Queries">Queries written (0 without queries).</param>
    public sealed record Report(int Terms, long Postings, int Queries);

    /// <summary>Writes <paramref name="index"/> (and <paramref name="queries"/>, term ids renumbered alike) as PREFIX.* files (see the type).</summary>
    /// <exception cref="InvalidDataException">A term or document id a lexicon line cannot hold.</exception>
    public static Report Write(SparseIndex index, string prefix, IReadOnlyList<QueryVector>? queries = null, IProgress<BuildProgress>? progress = null)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        var newId = new int[index.TermCount];
        var sizes = new uint[index.DocumentCount];
        var cursor = new BlockPostingCursor[1];
        var impacts = new List<uint>();
        int terms = 0;
        long postings = 0;
        using (var docs = new BinaryWriter(File.Create(prefix + ".docs")))
        using (var freqs = new BinaryWriter(File.Create(prefix + ".freqs")))
        using (var lexicon = new StreamWriter(prefix + ".terms", false, new UTF8Encoding(false)))
        {
            docs.Write(1u);
            docs.Write((uint)index.DocumentCount);
            for (int t = 0; t < index.TermCount; t++)
            {
                var list = index.Postings(t);
                newId[t] = -1;
                if (list.PostingCount == 0)
                    continue;
                newId[t] = terms++;
                lexicon.Write(Identifiers.Writable(index.Vocabulary[t], "term", prefix + ".terms"));
                lexicon.Write('\n');
                docs.Write(list.PostingCount);
                freqs.Write(list.PostingCount);
                impacts.Clear();
                ref var c = ref cursor[0];
                for (c.Reset(list, 1); c.DocId != PostingCursor.End; c.Next())
                {
                    docs.Write(c.DocId);
                    impacts.Add((uint)c.Score);
                    sizes[c.DocId]++;
                }
                foreach (uint impact in impacts)
                    freqs.Write(impact);
                postings += list.PostingCount;
                if ((t & 1023) == 0)
                    progress?.Report(new BuildProgress("exporting", t, index.TermCount, "terms"));
            }
        }
        progress?.Report(new BuildProgress("exporting", index.TermCount, index.TermCount, "terms"));
        using (var sizeFile = new BinaryWriter(File.Create(prefix + ".sizes")))
        {
            sizeFile.Write((uint)sizes.Length);
            foreach (uint size in sizes)
                sizeFile.Write(size);
        }
        using (var documents = new StreamWriter(prefix + ".documents", false, new UTF8Encoding(false)))
        {
            for (uint d = 0; d < index.DocumentCount; d++)
                documents.Write(Identifiers.Writable(index.DocumentId(d), "document id", prefix + ".documents") + "\n");
        }
        if (queries is not null)
            WriteQueries(prefix + ".queries", queries, newId);
        return new Report(terms, postings, queries?.Count ?? 0);
    }

    private static void WriteQueries(string path, IReadOnlyList<QueryVector> queries, int[] newId) => Format.AtomicFile.Write(path, stream =>
    {
        using var output = new StreamWriter(stream, new UTF8Encoding(false));
        foreach (var query in queries)
        {
            var line = new StringBuilder(query.Id).Append(':');
            bool first = true;
            foreach (var term in query.Terms)
            {
                if ((uint)term.TermId >= (uint)newId.Length || newId[term.TermId] < 0)
                    continue;
                string id = newId[term.TermId].ToString(CultureInfo.InvariantCulture);
                if (term.Weight > Quantize.QueryWeights.MaxRepeats)
                    throw new InvalidOperationException(Quantize.QueryWeights.TooManyRepeats(query.Id, id, term.Weight));
                for (uint r = 0; r < term.Weight; r++)
                {
                    line.Append(first ? "" : " ").Append(id);
                    first = false;
                }
            }
            output.Write(line.Append('\n'));
        }
        return queries.Count;
    });
}
