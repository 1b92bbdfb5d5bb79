using Google.Protobuf;
using SpladeFast.Build;
using SpladeFast.Ingest;

namespace SpladeFast.Interop.Ciff;

/// <summary>
/// Builds an index from a CIFF file (Anserini, PISA or another engine's export), plain or gzip: tf becomes the
/// impact, so it must lie in 1..65535; terms and document names must be valid <see cref="Identifiers"/>, and no
/// document name may repeat. Everything is validated before the index is written; errors name the file and the
/// message number (1 = header).
/// </summary>
public static class CiffImport
{
    /// <summary>Builds the index at <paramref name="outputPath"/> from <paramref name="ciffPath"/> (see the type).</summary>
    /// <exception cref="InputException">The CIFF file is malformed or breaks a rule above; the message names the file and message number.</exception>
    public static IndexBuildReport Import(string ciffPath, string outputPath, ListImportOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stream = new BufferedStream(InputFiles.Open(ciffPath, out _), 1 << 20);
        long message = 1;
        var header = Read(Header.Parser, stream, ciffPath, message);
        if (header.NumPostingsLists < 0 || header.NumDocRecords < 0)
            throw new InputException(ciffPath, message, "negative list or document count in the header");
        var vocabulary = options.VocabularyPath is { } v ? Vocabulary.Load(v) : new Vocabulary();
        var lists = new (uint[] DocIds, ushort[] Impacts)?[Math.Max(vocabulary.Count, header.NumPostingsLists)];
        for (int l = 0; l < header.NumPostingsLists; l++)
        {
            var list = Read(PostingsList.Parser, stream, ciffPath, ++message);
            if (Identifiers.Check(list.Term, "term") is { } badTerm)
                throw new InputException(ciffPath, message, badTerm);
            int term;
            if (vocabulary.IsFixed)
            {
                if (!vocabulary.TryGetId(list.Term, out term))
                    throw new InputException(ciffPath, message, $"term '{list.Term}' is not in the vocabulary {options.VocabularyPath}");
            }
            else
            {
                term = vocabulary.GetOrAdd(list.Term);
            }
            if (lists[term] is not null)
                throw new InputException(ciffPath, message, $"term '{list.Term}' has a second posting list");
            lists[term] = Decode(list, header.NumDocRecords, ciffPath, message);
            if ((l & 1023) == 0)
                options.Progress?.Report(new BuildProgress("reading", l, header.NumPostingsLists, "posting lists"));
        }
        var documentIds = new string?[header.NumDocRecords];
        var firstMessage = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int d = 0; d < header.NumDocRecords; d++)
        {
            var record = Read(DocRecord.Parser, stream, ciffPath, ++message);
            if ((uint)record.Docid >= (uint)documentIds.Length || documentIds[record.Docid] is not null)
                throw new InputException(ciffPath, message, $"document record {record.Docid} is out of range or repeated");
            if (Identifiers.Check(record.CollectionDocid, "document name") is { } badName)
                throw new InputException(ciffPath, message, badName);
            if (!firstMessage.TryAdd(record.CollectionDocid, message))
                throw new InputException(ciffPath, message, $"duplicate document name '{record.CollectionDocid}' (docid {record.Docid}; first in message {firstMessage[record.CollectionDocid]})");
            documentIds[record.Docid] = record.CollectionDocid;
        }
        if (stream.ReadByte() >= 0)
            throw new InputException(ciffPath, message + 1, "data after the last document record the header announces");

        var postings = InvertedLists.FromLists(vocabulary.Count, t => lists[t]);
        long bytes = ListIndexWriter.Write(outputPath, new ListIndexContents(vocabulary.Tokens, documentIds!, postings, options.Scale, options.RangeSize,
            options.VocabularyPath is { } path ? Path.GetFileName(path) : "ciff", ciffPath,
            new Dictionary<string, string> { ["ciff.description"] = header.Description }), options.Progress);
        return new IndexBuildReport(documentIds.Length, vocabulary.Count, postings.Count, 0, 0, bytes, clock.Elapsed);
    }

    private static (uint[] DocIds, ushort[] Impacts) Decode(PostingsList list, int documents, string path, long message)
    {
        var docIds = new uint[list.Postings.Count];
        var impacts = new ushort[list.Postings.Count];
        long docId = -1;
        for (int i = 0; i < docIds.Length; i++)
        {
            var posting = list.Postings[i];
            if (i > 0 && posting.Docid <= 0 || posting.Docid < 0)
                throw new InputException(path, message, $"term '{list.Term}': posting {i} has docid gap {posting.Docid}; docids must increase");
            docId = (i == 0 ? 0 : docId) + posting.Docid;
            if (docId >= documents)
                throw new InputException(path, message, $"term '{list.Term}': docid {docId} is not below the header's {documents} documents");
            if (posting.Tf is < 1 or > ushort.MaxValue)
                throw new InputException(path, message, $"term '{list.Term}': tf {posting.Tf} of docid {docId} is not an impact in 1..65535");
            docIds[i] = (uint)docId;
            impacts[i] = (ushort)posting.Tf;
        }
        return (docIds, impacts);
    }

    private static T Read<T>(MessageParser<T> parser, Stream stream, string path, long message) where T : IMessage<T>
    {
        try
        {
            return parser.ParseDelimitedFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException(path, message, $"not a CIFF message ({e.Message})");
        }
    }
}
