using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;
using SpladeFast.Codecs;
using SpladeFast.Format;
using SpladeFast.Ingest;
using SpladeFast.Storage;

namespace SpladeFast.Index;

/// <summary>How an opened index holds its file.</summary>
public enum IndexStorageKind
{
    /// <summary>Mapped read-only: pages load on first touch and are shared between processes (the default).</summary>
    MemoryMapped,
    /// <summary>Read whole into memory at opening (no page faults while searching; costs the file's size).</summary>
    InMemory,
}

/// <summary>
/// An opened index. Opening checks the header, the section table and the structure of terms and skips (so no
/// offset can point outside the file); by default it also verifies every section checksum, so a corrupted
/// index is reported, never searched.
/// </summary>
public sealed unsafe class SparseIndex : IDisposable
{
    private readonly IIndexStorage _storage;
    private readonly TermEntry* _terms;
    private readonly BlockSkip* _skips;
    private readonly byte* _postings;
    private readonly StringTableReader _documentIds;
    private readonly SectionEntry[] _sections;
    private readonly uint* _sequence;

    private SparseIndex(IIndexStorage storage, bool verifyChecksums)
    {
        _storage = storage;
        string path = storage.Path;
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("The index format is little-endian.");
        if (storage.Length < IndexLayout.HeaderSize)
            ThrowHelper.Corrupt(path, $"the file is {storage.Length} bytes, shorter than the {IndexLayout.HeaderSize}-byte header (truncated?)");
        var header = *(IndexHeader*)storage.Pointer;
        if (!new ReadOnlySpan<byte>(storage.Pointer, 8).SequenceEqual(IndexLayout.Magic))
            ThrowHelper.Corrupt(path, "not a SpladeFast index (bad magic)");
        if (header.Version is < IndexLayout.OldestSupportedVersion or > IndexLayout.Version)
            ThrowHelper.Corrupt(path, UnsupportedVersion(header, storage));
        if (header.SectionCount > IndexLayout.MaxSections
            || storage.Length < IndexLayout.HeaderSize + header.SectionCount * IndexLayout.SectionEntrySize)
            ThrowHelper.Corrupt(path, "the section table is truncated");
        var table = new ReadOnlySpan<byte>(storage.Pointer + IndexLayout.HeaderSize, (int)header.SectionCount * IndexLayout.SectionEntrySize);
        if (IndexFileWriter.HeaderChecksum(header, table) != header.Checksum)
            ThrowHelper.Corrupt(path, "header checksum mismatch");
        if (header.BlockSize != BitPacking.BlockSize)
            ThrowHelper.Corrupt(path, $"block size {header.BlockSize} is not supported");
        _sections = MemoryMarshal.Cast<byte, SectionEntry>(table).ToArray();
        foreach (var s in _sections)
        {
            if (s.Offset > (ulong)storage.Length || s.Length > (ulong)storage.Length - s.Offset)
                ThrowHelper.Corrupt(path, $"section {s.Kind} extends past the end of the file (truncated?)");
            if (header.Version >= 2 && (uint)s.Kind is >= 7 and <= 9)
                ThrowHelper.Corrupt(path, $"section kind {(uint)s.Kind} (an earlier bmp layout) in a version {header.Version} file");
            if (header.Version >= 3 && s.Kind == SectionKind.RangeBounds)
                ThrowHelper.Corrupt(path, $"section {s.Kind} (the version 2 bmp layout) in a version {header.Version} file");
            if (header.Version <= 2 && s.Kind is SectionKind.RangeForwardPacked or SectionKind.RangeBoundsBitmap)
                ThrowHelper.Corrupt(path, $"section {s.Kind} (the version 3 bmp layout) in a version {header.Version} file");
        }
        Header = header;
        if (verifyChecksums)
            VerifyChecksums();
        ChecksumsVerified = verifyChecksums;

        var metadata = Section(SectionKind.Metadata);
        try
        {
            Metadata = IndexMetadata.FromUtf8(new ReadOnlySpan<byte>(storage.Pointer + (long)metadata.Offset, checked((int)metadata.Length)));
        }
        catch (JsonException e)
        {
            throw new IndexCorruptException(path, $"section {SectionKind.Metadata} is not the expected JSON ({JsonErrors.Reason(e)})");
        }
        var vocabulary = Section(SectionKind.Vocabulary);
        var tokens = new StringTableReader(path, "vocabulary", storage.Pointer + (long)vocabulary.Offset, vocabulary.Length);
        if ((ulong)tokens.Count != header.TermCount)
            ThrowHelper.Corrupt(path, "vocabulary size does not match the term count");
        Vocabulary = new Vocabulary(Enumerable.Range(0, (int)tokens.Count).Select(i => tokens.Get(i)).ToList(), isFixed: true);
        var documentIds = Section(SectionKind.DocumentIds);
        _documentIds = new StringTableReader(path, "document ids", storage.Pointer + (long)documentIds.Offset, documentIds.Length);
        if ((ulong)_documentIds.Count != header.DocumentCount)
            ThrowHelper.Corrupt(path, "document table size does not match the document count");

        var terms = Section(SectionKind.Terms);
        var skips = Section(SectionKind.Skips);
        var postings = Section(SectionKind.Postings);
        if (terms.Length != header.TermCount * (ulong)sizeof(TermEntry))
            ThrowHelper.Corrupt(path, "terms section size does not match the term count");
        if (skips.Length % (ulong)sizeof(BlockSkip) != 0 || postings.Length < IndexLayout.PostingsPadding)
            ThrowHelper.Corrupt(path, "skips or postings section has a bad size");
        _terms = (TermEntry*)(storage.Pointer + (long)terms.Offset);
        _skips = (BlockSkip*)(storage.Pointer + (long)skips.Offset);
        _postings = storage.Pointer + (long)postings.Offset;
        ValidateStructure(path, skips.Length / (ulong)sizeof(BlockSkip), postings.Length - IndexLayout.PostingsPadding);
        if ((OptionalSection(SectionKind.RangeForwardPacked) ?? OptionalSection(SectionKind.RangeForward)) is { } forward
            && (OptionalSection(SectionKind.RangeBoundsBitmap) ?? OptionalSection(SectionKind.RangeBounds)) is { } ranges)
        {
            Ranges = new BlockMaxRanges(path, storage.Pointer + (long)forward.Offset, forward.Length, forward.Kind == SectionKind.RangeForwardPacked,
                storage.Pointer + (long)ranges.Offset, ranges.Length, ranges.Kind == SectionKind.RangeBoundsBitmap, header.DocumentCount, header.TermCount);
        }
        if (OptionalSection(SectionKind.TermThresholds) is { } thresholds)
            TermThresholds = new TermThresholds(path, storage.Pointer + (long)thresholds.Offset, thresholds.Length, header.TermCount);
        else if (header.Version >= 2)
            ThrowHelper.Corrupt(path, $"section {SectionKind.TermThresholds} is missing (every version {header.Version} file has it)");
        if (OptionalSection(SectionKind.DocumentOrder) is { } order)
            Order = DocumentOrder.Read(path, storage.Pointer + (long)order.Offset, order.Length, header.DocumentCount);
        if (OptionalSection(SectionKind.Sequence) is { } sequence)
            _sequence = ReadSequence(path, storage.Pointer + (long)sequence.Offset, sequence.Length, header.DocumentCount);
        if (OptionalSection(SectionKind.StoredFields) is { } stored)
            StoredFields = new StoredFields(path, storage.Pointer + (long)stored.Offset, stored.Length, header.DocumentCount);
    }

    /// <summary>
    /// Why a file of a version outside <see cref="IndexLayout.OldestSupportedVersion"/>..<see cref="IndexLayout.Version"/>
    /// is not opened, and what to run; a header whose checksum does not match may be damaged instead.
    /// </summary>
    private static string UnsupportedVersion(IndexHeader header, IIndexStorage storage)
    {
        string range = $"this build reads versions {IndexLayout.OldestSupportedVersion} to {IndexLayout.Version}";
        string message = header.Version > IndexLayout.Version
            ? $"format version {header.Version}, newer than {range}: open it with the splade-fast that wrote it, or a newer one"
            : $"format version {header.Version}, older than {range}: rebuild it from its input with 'splade-fast index'";
        long tableBytes = (long)Math.Min(header.SectionCount, (uint)IndexLayout.MaxSections) * IndexLayout.SectionEntrySize;
        bool intact = header.SectionCount <= IndexLayout.MaxSections && storage.Length >= IndexLayout.HeaderSize + tableBytes
            && IndexFileWriter.HeaderChecksum(header, new ReadOnlySpan<byte>(storage.Pointer + IndexLayout.HeaderSize, (int)tableBytes)) == header.Checksum;
        return intact ? message : message + " (or its header is damaged: the header checksum does not match)";
    }

    /// <exception cref="IndexCorruptException">The section has the wrong size or its numbers do not increase.</exception>
    private static uint* ReadSequence(string path, byte* section, ulong length, ulong documents)
    {
        if (length != documents * sizeof(uint))
            ThrowHelper.Corrupt(path, $"section {SectionKind.Sequence} has a bad size");
        var numbers = (uint*)section;
        for (ulong d = 1; d < documents; d++)
        {
            if (numbers[d] <= numbers[d - 1])
                ThrowHelper.Corrupt(path, $"section {SectionKind.Sequence}: document {d}'s sequence number does not follow document {d - 1}'s");
        }
        return numbers;
    }

    /// <summary>Opens and checks an index file (see the type).</summary>
    /// <param name="path">The .sfi file.</param>
    /// <param name="storage">Mapped (default) or read into memory.</param>
    /// <param name="verifyChecksums">Recompute every section's XxHash3 (reads the whole file); false trusts the checksums (<c>--no-verify</c>).</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>, or a directory.</exception>
    /// <exception cref="IndexCorruptException">Truncated, damaged, not an index, or of a format version outside <see cref="IndexLayout.OldestSupportedVersion"/>..<see cref="IndexLayout.Version"/>.</exception>
    public static SparseIndex Open(string path, IndexStorageKind storage = IndexStorageKind.MemoryMapped, bool verifyChecksums = true)
    {
        if (Directory.Exists(path))
            throw new FileNotFoundException($"{path}: is a directory, not an index file", path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: index not found", path);
        IIndexStorage opened = storage == IndexStorageKind.InMemory ? InMemoryStorage.Load(path) : new MemoryMappedStorage(path);
        return Open(opened, verifyChecksums);
    }

    /// <summary>Takes ownership of <paramref name="storage"/>.</summary>
    public static SparseIndex Open(IIndexStorage storage, bool verifyChecksums = true)
    {
        try
        {
            return new SparseIndex(storage, verifyChecksums);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>The index file's full path.</summary>
    public string Path => _storage.Path;
    /// <summary>The file's header: counts, scale, quantization, format version.</summary>
    public IndexHeader Header { get; }
    /// <summary>How the index was made (Metadata section).</summary>
    public IndexMetadata Metadata { get; }
    /// <summary>The tokens by term id, fixed.</summary>
    public Vocabulary Vocabulary { get; }
    /// <summary>Documents: docids 0 .. DocumentCount - 1.</summary>
    public int DocumentCount => (int)Header.DocumentCount;
    /// <summary>Terms: term ids 0 .. TermCount - 1.</summary>
    public int TermCount => (int)Header.TermCount;
    /// <summary>Postings over all terms.</summary>
    public long PostingCount => (long)Header.PostingCount;
    /// <summary>impact = weight x ImpactScale: scores divide by it (and the query scale) to return to weight units.</summary>
    public double ImpactScale => Header.ImpactScale;
    /// <summary>The file's size in bytes.</summary>
    public long FileLength => _storage.Length;
    /// <summary>The section table, in file order.</summary>
    public IReadOnlyList<SectionEntry> Sections => _sections;

    /// <summary>Forward index and range maxima for block-at-a-time pruning; null unless built with them.</summary>
    public BlockMaxRanges? Ranges { get; }

    /// <summary>Per-term k-th largest impacts for safe initial thresholds; null in indexes written before them.</summary>
    public TermThresholds? TermThresholds { get; }

    /// <summary>
    /// Whether every section's checksum was verified at opening. When not (<c>--no-verify</c>), damage that the
    /// structure checks cannot see is found only while searching, and reported as <see cref="IndexCorruptException"/>.
    /// </summary>
    public bool ChecksumsVerified { get; }

    /// <summary>Each document's input ordinal, by which equal scores rank (the identity unless reordered).</summary>
    public DocumentOrder Order { get; }

    /// <summary>Each document's source fields (index --store, live segments); null when not stored.</summary>
    public StoredFields? StoredFields { get; }

    /// <summary>Whether the index records live-index sequence numbers (a live segment; see <see cref="SequenceNumber"/>).</summary>
    public bool HasSequence => _sequence != null;

    /// <summary>
    /// A document's sequence number in the live index it is a segment of, increasing with docid; in an index without
    /// them (one imported as a first segment), its input ordinal. Score ties break by it across segments.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No such document.</exception>
    public uint SequenceNumber(uint docId)
    {
        if (docId >= Header.DocumentCount)
            ThrowHelper.ArgumentOutOfRange(nameof(docId), "No such document.");
        return _sequence == null ? Order.Ordinal(docId) : _sequence[docId];
    }

    /// <summary>Term <paramref name="termId"/>'s table entry.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such term.</exception>
    public ref readonly TermEntry Term(int termId)
    {
        if ((uint)termId >= Header.TermCount)
            ThrowHelper.ArgumentOutOfRange(nameof(termId), "No such term.");
        return ref _terms[termId];
    }

    /// <summary>Term <paramref name="termId"/>'s posting list, over the mapped file.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such term.</exception>
    public PostingList Postings(int termId)
    {
        ref readonly var term = ref Term(termId);
        return new PostingList(_postings + (long)term.PostingsOffset, _skips + term.FirstBlock, term.PostingCount, term.MaxImpact);
    }

    /// <summary>Document <paramref name="docId"/>'s id, as given in the input.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such document.</exception>
    public string DocumentId(uint docId) => _documentIds.Get(docId);

    /// <summary>The document id as its UTF-8 bytes in the index, without making a string.</summary>
    public ReadOnlySpan<byte> DocumentIdUtf8(uint docId) => _documentIds.GetUtf8(docId);

    /// <summary>Recomputes every section's XxHash3; throws <see cref="IndexCorruptException"/> on a mismatch.</summary>
    public void VerifyChecksums()
    {
        foreach (var s in _sections)
        {
            var hash = new XxHash3();
            for (ulong done = 0; done < s.Length;)
            {
                int chunk = (int)Math.Min(s.Length - done, 1 << 30);
                hash.Append(new ReadOnlySpan<byte>(_storage.Pointer + (long)(s.Offset + done), chunk));
                done += (ulong)chunk;
            }
            if (hash.GetCurrentHashAsUInt64() != s.Checksum)
                ThrowHelper.Corrupt(Path, $"checksum mismatch in section {s.Kind}");
        }
    }

    private SectionEntry Section(SectionKind kind) =>
        OptionalSection(kind) ?? throw new IndexCorruptException(Path, $"section {kind} is missing");

    private SectionEntry? OptionalSection(SectionKind kind)
    {
        SectionEntry? found = null;
        foreach (var s in _sections)
        {
            if (s.Kind != kind)
                continue;
            if (found is not null)
                ThrowHelper.Corrupt(Path, $"section {kind} appears twice");
            found = s;
        }
        return found;
    }

    /// <summary>Every term's blocks must lie inside its byte range, with sane widths and increasing docids.</summary>
    private void ValidateStructure(string path, ulong skipCount, ulong postingBytes)
    {
        ulong nextBlock = 0, nextOffset = 0, postingTotal = 0;
        for (int t = 0; t < TermCount; t++)
        {
            var term = _terms[t];
            ulong end = t + 1 < TermCount ? _terms[t + 1].PostingsOffset : postingBytes;
            if (term.FirstBlock != nextBlock || term.PostingsOffset != nextOffset || end < term.PostingsOffset || end > postingBytes)
                ThrowHelper.Corrupt(path, $"term {t} has an inconsistent postings range");
            int blocks = term.BlockCount;
            if (nextBlock + (ulong)blocks > skipCount)
                ThrowHelper.Corrupt(path, $"term {t} has blocks past the skip table");
            ulong expectedOffset = 0;
            long lastDoc = -1;
            uint maxImpact = 0;
            for (int b = 0; b < blocks; b++)
            {
                var skip = _skips[nextBlock + (ulong)b];
                int count = b + 1 < blocks ? BitPacking.BlockSize : (int)(term.PostingCount - (uint)b * BitPacking.BlockSize);
                if (skip.DocBits > 32 || skip.ImpactBits > 32 || skip.Offset != expectedOffset
                    || skip.LastDocId <= lastDoc || skip.LastDocId >= Header.DocumentCount
                    || skip.LastDocId < lastDoc + count)
                    ThrowHelper.Corrupt(path, $"term {t} block {b} has a bad skip entry");
                expectedOffset += (ulong)PostingBlockCodec.EncodedBytes(count, skip.DocBits, skip.ImpactBits);
                lastDoc = skip.LastDocId;
                maxImpact = Math.Max(maxImpact, skip.MaxImpact);
            }
            if (term.PostingsOffset + expectedOffset != end || maxImpact != term.MaxImpact)
                ThrowHelper.Corrupt(path, $"term {t} postings do not match its skip entries");
            nextBlock += (ulong)blocks;
            nextOffset = end;
            postingTotal += term.PostingCount;
        }
        if (nextBlock != skipCount || nextOffset != postingBytes || postingTotal != Header.PostingCount)
            ThrowHelper.Corrupt(path, "term table does not cover the postings and skip sections");
    }

    /// <summary>Unmaps (or frees) the file; posting lists and spans taken from it become invalid.</summary>
    public void Dispose() => _storage.Dispose();
}
