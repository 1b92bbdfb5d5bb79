using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using SpladeFast.Format;
using SpladeFast.Index;
using SpladeFast.Ingest;
using SpladeFast.Quantize;

namespace SpladeFast.Live;

/// <summary>What <see cref="LiveIndex.Stats"/> reports.</summary>
public sealed record LiveStats(
    long Generation, long Version, IReadOnlyList<SegmentEntry> Segments, int BufferedDocuments, int BufferDeleted,
    long LiveDocuments, uint NextSequence, long LogBytes, IReadOnlyList<string> Merging, long MergesDone, string? LastMergeError);

/// <summary>
/// An index that takes adds and deletes without a rebuild, durably, and answers exactly (issue 19). A directory:
/// <list type="bullet">
/// <item><c>seg_NNNNNN.sfi</c>: segments, ordinary index files with a Sequence section;</item>
/// <item><c>seg_NNNNNN_G.del</c>: a segment's deleted documents as of generation G;</item>
/// <item><c>segments_G</c>: the commit point of generation G (<see cref="CommitPoint"/>);</item>
/// <item><c>wal_NNNNNN.log</c>: the write-ahead log (<see cref="WriteAheadLog"/>) of writes since the last flush;</item>
/// <item><c>write.lock</c>: held by the one process that writes.</item>
/// </list>
/// Every add or delete is appended to the log and fsynced before the call returns, then applied to the memory
/// buffer (or the segments' deletes) and published as a new <see cref="LiveSnapshot"/>. A flush writes the buffer as
/// a segment and commits; merges join segments in the background (<see cref="StartBackgroundWork"/>) or on demand.
/// Writes are serialized by one lock; a merge holds it only to commit, and searches never take it.
/// </summary>
public sealed class LiveIndex : IDisposable
{
    /// <summary>The lock file that keeps a second writer out of the directory.</summary>
    public const string LockFileName = "write.lock";
    private static ReadOnlySpan<byte> DeletesMagic => "SFDELETE"u8;

    private readonly string _directory;
    private readonly bool _readOnly;
    private readonly IndexStorageKind _storage;
    private readonly object _lock = new();
    private readonly FileStream? _writeLock;
    private readonly List<SegmentState> _segments = [];
    private readonly Dictionary<string, int> _bufferPositions = new(StringComparer.Ordinal);
    private readonly ParsedVector _parsed = new();
    private readonly MergePolicy _policy;
    private WriteAheadLog? _log;
    private long _generation, _version, _logStart, _mergesDone;
    private uint _nextSequence;
    private int _nextSegment;
    private MemoryBuffer _buffer = new();
    private ImmutableHashSet<int> _bufferDeleted = [];
    private DateTime _bufferSince;
    private Vocabulary _vocabulary = new();
    private LiveSnapshot _current = null!;
    private readonly HashSet<Segment> _merging = [];
    private string? _lastMergeError;
    private Thread? _background;
    private readonly AutoResetEvent _wake = new(false);
    private volatile bool _stopping;
    private bool _disposed;

    /// <param name="segment">The segment.</param>
    /// <param name="deleted">Its deleted documents.</param>
    /// <param name="deletesFile">The deletes file the current commit point names for it (null: none).</param>
    /// <param name="committed">Whether <paramref name="deleted"/> is what the current commit point holds (false for a new segment).</param>
    private sealed class SegmentState(Segment segment, DeletedDocuments deleted, string? deletesFile, bool committed = true)
    {
        public Segment Segment { get; } = segment;
        public DeletedDocuments Deleted { get; set; } = deleted;
        /// <summary>The deletes the current commit point holds (null: the segment is in none yet).</summary>
        public DeletedDocuments? Committed { get; set; } = committed ? deleted : null;
        public string? DeletesFile { get; set; } = deletesFile;
    }

    private LiveIndex(string directory, bool readOnly, FileStream? writeLock, IndexStorageKind storage = IndexStorageKind.MemoryMapped)
    {
        _directory = directory;
        _readOnly = readOnly;
        _storage = storage;
        _writeLock = writeLock;
        Settings = null!;
        _policy = null!;
    }

    private LiveIndex(string directory, bool readOnly, FileStream? writeLock, CommitPoint commit, IndexStorageKind storage) : this(directory, readOnly, writeLock, storage)
    {
        Settings = commit.Settings;
        _policy = new MergePolicy(Settings);
    }

    /// <summary>The live index's directory.</summary>
    public string Directory => _directory;
    /// <summary>The settings the index was created with.</summary>
    public LiveSettings Settings { get; }
    /// <summary>Opened for reading only: writes are refused and no lock is held.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>Whether <paramref name="path"/> is a live index directory (holds a commit point).</summary>
    public static bool IsLiveIndex(string path) => System.IO.Directory.Exists(path) && CommitPoint.Generations(path).Count > 0;

    /// <summary>
    /// Creates an empty live index in <paramref name="directory"/> (which must be absent or empty), or one whose
    /// first segment is a copy of <paramref name="import"/> (bulk import; its input ordinals become sequence numbers).
    /// </summary>
    /// <exception cref="InvalidOperationException">The directory holds files, or the import quantizes differently.</exception>
    public static void Create(string directory, LiveSettings settings, string? import = null)
    {
        settings.Validate();
        string full = Path.GetFullPath(directory);
        if (System.IO.Directory.Exists(full) && System.IO.Directory.EnumerateFileSystemEntries(full).Any())
            throw new InvalidOperationException($"{full}: the directory is not empty; a live index is created in a new or empty directory");
        System.IO.Directory.CreateDirectory(full);
        var commit = new CommitPoint { Generation = 1, Settings = settings, NextSegment = 0 };
        if (import is not null)
        {
            string name = SegmentName(0);
            uint next;
            using (var source = SparseIndex.Open(import))
            {
                if (source.Header.QuantBits != 0 || source.ImpactScale != settings.Scale)
                    throw new InvalidOperationException($"{import} quantizes as '{source.Metadata.Quantization}'; a live index with --scale {settings.Scale.ToString(CultureInfo.InvariantCulture)} imports only indexes built with the fixed scale round(w * {settings.Scale.ToString(CultureInfo.InvariantCulture)})");
                next = (uint)source.DocumentCount;
            }
            string target = Path.Combine(full, name);
            string temporary = TemporaryFiles.Claim(target);
            File.Copy(import, temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
                stream.Flush(flushToDisk: true);
            File.Move(temporary, target);
            commit = commit with { Segments = [new SegmentEntry(name, (int)next, 0, null)], NextSequence = next, NextSegment = 1 };
        }
        commit.Write(full);
    }

    /// <summary>
    /// Opens the newest commit point and replays the log after it. A writer (not <paramref name="readOnly"/>) takes
    /// the directory's write lock, cuts a torn log tail and removes files no commit point needs. Segments are
    /// memory-mapped, or read into memory with <see cref="IndexStorageKind.InMemory"/> (as <c>query --in-memory</c>).
    /// </summary>
    /// <exception cref="IOException">Another process is writing the index.</exception>
    /// <exception cref="IndexCorruptException">A file the commit point needs is damaged or missing.</exception>
    public static LiveIndex Open(string directory, bool readOnly = false, IndexStorageKind storage = IndexStorageKind.MemoryMapped)
    {
        string full = Path.GetFullPath(directory);
        FileStream? writeLock = null;
        if (!readOnly)
        {
            CommitPoint.ReadLatest(full); // a clear error before a lock file is made in a directory that is no index
            try
            {
                writeLock = new FileStream(Path.Combine(full, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e)
            {
                throw new IOException($"{full}: another process is writing this live index ({e.Message})", e);
            }
        }
        for (int attempt = 0; ; attempt++)
        {
            var commit = CommitPoint.ReadLatest(full);
            var index = new LiveIndex(full, readOnly, writeLock, commit, storage);
            try
            {
                index.Load(commit);
                return index;
            }
            catch (FileNotFoundException) when (readOnly && attempt < 10)
            {
                // A writer committed a newer generation and removed a file of this one meanwhile: read that one.
                index.ReleaseAll();
            }
            catch
            {
                index.ReleaseAll();
                writeLock?.Dispose();
                throw;
            }
        }
    }

    private static string SegmentName(int number) => "seg_" + number.ToString("D6", CultureInfo.InvariantCulture) + ".sfi";

    private void Load(CommitPoint commit)
    {
        _generation = commit.Generation;
        _logStart = commit.LogStart;
        _nextSequence = commit.NextSequence;
        _nextSegment = commit.NextSegment;
        var tokens = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var opened = new List<(SparseIndex Index, SegmentEntry Entry)>();
        try
        {
            foreach (var entry in commit.Segments)
            {
                string path = Path.Combine(_directory, entry.Name);
                if (!File.Exists(path))
                    throw new FileNotFoundException($"{path}: segment of commit point {CommitPoint.FileName(commit.Generation)} is missing", path);
                var index = SparseIndex.Open(path, _storage);
                opened.Add((index, entry));
                if (index.DocumentCount != entry.Documents)
                    ThrowHelper.Corrupt(path, $"holds {index.DocumentCount} documents; the commit point says {entry.Documents}");
                if (index.Header.QuantBits != 0 || index.ImpactScale != Settings.Scale)
                    ThrowHelper.Corrupt(path, $"quantizes as '{index.Metadata.Quantization}', not as the live index's fixed scale {Settings.Scale}");
                foreach (string token in index.Vocabulary.Tokens)
                {
                    if (seen.Add(token))
                        tokens.Add(token);
                }
            }
        }
        catch
        {
            opened.ForEach(o => o.Index.Dispose());
            throw;
        }
        _vocabulary = new Vocabulary(tokens, isFixed: false);
        foreach (var (index, entry) in opened)
            _segments.Add(new SegmentState(new Segment(index, _vocabulary), ReadDeletes(entry, index.DocumentCount), entry.DeletesFile));
        _bufferSince = DateTime.UtcNow;
        var logs = WriteAheadLog.Numbers(_directory).Where(n => n >= _logStart).ToList();
        long lastNumber = Math.Max(_logStart, logs.Count == 0 ? _logStart : logs[^1]);
        long lastValid = 0;
        foreach (long number in logs)
        {
            var (batches, valid) = WriteAheadLog.Read(Path.Combine(_directory, WriteAheadLog.FileName(number)));
            foreach (var batch in batches)
                Replay(batch);
            if (number == lastNumber)
                lastValid = valid;
        }
        if (!_readOnly)
        {
            _log = WriteAheadLog.OpenForAppend(_directory, lastNumber, lastValid);
            RemoveUnused();
        }
        Publish();
    }

    private DeletedDocuments ReadDeletes(SegmentEntry entry, int documents)
    {
        if (entry.DeletesFile is null)
            return DeletedDocuments.None(documents);
        string path = Path.Combine(_directory, entry.DeletesFile);
        if (!IsDeletesName(entry.DeletesFile, entry.Name))
            ThrowHelper.Corrupt(path, "badly named deletes file");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: deletes of segment {entry.Name} are missing", path);
        byte[] payload = ChecksummedFile.Read(path, DeletesMagic);
        if (payload.Length % 8 != 0)
            ThrowHelper.Corrupt(path, "the bitmap is not whole words");
        try
        {
            var deleted = DeletedDocuments.FromBits(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(payload).ToArray(), documents);
            if (deleted.Count != entry.Deleted)
                ThrowHelper.Corrupt(path, $"marks {deleted.Count} documents deleted; the commit point says {entry.Deleted}");
            return deleted;
        }
        catch (ArgumentException e)
        {
            throw new IndexCorruptException(path, e.Message);
        }
    }

    private static bool IsDeletesName(string file, string segment) =>
        file.StartsWith(segment[..^4] + "_", StringComparison.Ordinal) && file.EndsWith(".del", StringComparison.Ordinal)
        && file.AsSpan(segment.Length - 3, file.Length - segment.Length - 1).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>The current snapshot, leased: release it (or dispose the lease) when the search is done.</summary>
    public SnapshotLease Acquire()
    {
        while (true)
        {
            var snapshot = Volatile.Read(ref _current);
            ObjectDisposedException.ThrowIf(snapshot is null, this);
            if (snapshot.TryAcquire())
                return new SnapshotLease(snapshot);
        }
    }

    /// <summary>
    /// Adds documents, JSONL lines as <c>index</c> reads them (<c>{"id", "vector", ...}</c>); an id already in the
    /// index is replaced. Every line is checked first: a bad one fails the whole batch, naming
    /// <paramref name="source"/> and the line (<paramref name="lineNumbers"/>, else its position from 1), and nothing
    /// is written. The batch is one log record: after a crash it is there whole or not at all. Durable when this returns.
    /// </summary>
    /// <returns>How many documents the batch replaced.</returns>
    /// <exception cref="InputException">A line is not a valid document.</exception>
    public int Add(IReadOnlyList<byte[]> lines, string source = "documents", IReadOnlyList<long>? lineNumbers = null)
    {
        ThrowIfNotWriter();
        lock (_lock)
        {
            CheckSequenceRoom(lines.Count);
            var entries = new List<(uint, byte[])>(lines.Count);
            for (int i = 0; i < lines.Count; i++)
                entries.Add((_nextSequence + (uint)i, lines[i]));
            // Parsed once, before the log: a bad line fails the batch with nothing logged or changed.
            var documents = ToDocuments(entries, (i, error) => new InputException(source, lineNumbers?[i] ?? i + 1, error));
            _log!.Append(new LogBatch(false, entries));
            int replaced = Apply(documents);
            Publish();
            if (_buffer.Count >= Settings.FlushDocuments)
                FlushLocked();
            return replaced;
        }
    }

    /// <summary>Deletes documents by id (absent ids are ignored); durable when this returns.</summary>
    /// <returns>How many documents were deleted.</returns>
    public int Delete(IReadOnlyList<string> ids)
    {
        ThrowIfNotWriter();
        foreach (string id in ids)
        {
            if (Identifiers.Check(id, "document id") is { } error)
                throw new ArgumentException(error);
        }
        lock (_lock)
        {
            CheckSequenceRoom(ids.Count);
            var entries = ids.Select(id => (_nextSequence++, Encoding.UTF8.GetBytes(id))).ToList();
            var batch = new LogBatch(true, entries);
            _log!.Append(batch);
            int deleted = Replay(batch);
            Publish();
            return deleted;
        }
    }

    private void CheckSequenceRoom(int count)
    {
        if ((ulong)_nextSequence + (ulong)count > uint.MaxValue)
            throw new InvalidOperationException($"{_directory}: the live index has used its 2^32 sequence numbers (adds and deletes over its life); export it and build anew");
    }

    /// <summary>
    /// Parses a document line as <see cref="Add"/> takes it into <paramref name="parsed"/>: why it is not a valid
    /// document at <paramref name="quantizer"/>'s scale, or null. A writer routing documents to live indexes (a
    /// cluster gateway) checks a whole batch with it before anything is written anywhere.
    /// </summary>
    public static string? ParseDocument(byte[] line, ParsedVector parsed, ImpactQuantizer quantizer)
    {
        if (JsonVectorParser.TryParse(line, parsed) is { } error)
            return error;
        for (int t = 0; t < parsed.Count; t++)
        {
            if (!quantizer.TryQuantize(parsed.Weight(t), out _))
                return $"weight {parsed.Weight(t)} of token '{parsed.Token(t)}' exceeds the 16-bit impact range at scale {quantizer.Scale}";
        }
        return null;
    }

    /// <summary>Applies a logged batch (a new one, or one replayed at opening); returns documents replaced or deleted.</summary>
    private int Replay(LogBatch batch)
    {
        if (batch.IsDelete)
        {
            int removed = 0;
            var deletes = new Dictionary<SegmentState, List<uint>>();
            foreach (var (sequence, data) in batch.Entries)
            {
                removed += Remove(Encoding.UTF8.GetString(data), deletes);
                _nextSequence = Math.Max(_nextSequence, sequence + 1);
            }
            ApplyDeletes(deletes);
            _version++;
            return removed;
        }
        return Apply(ToDocuments(batch.Entries, (_, error) => new IndexCorruptException(_directory, $"a logged document no longer parses ({error})")));
    }

    /// <summary>
    /// Parses a batch's lines into buffer documents. Tokens new to the vocabulary get the next term ids in order of
    /// first appearance, collected in <see cref="BufferDocuments.NewTokens"/>: nothing changes until <see cref="Apply"/>.
    /// </summary>
    private BufferDocuments ToDocuments(IReadOnlyList<(uint Sequence, byte[] Line)> entries, Func<int, string, Exception> error)
    {
        var quantizer = ImpactQuantizer.Fixed(Settings.Scale);
        var documents = new List<BufferedDocument>(entries.Count);
        var newTokens = new List<string>();
        var newIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var newLookup = newIds.GetAlternateLookup<ReadOnlySpan<char>>();
        var terms = new List<(int Term, ushort Impact)>();
        for (int i = 0; i < entries.Count; i++)
        {
            var (sequence, line) = entries[i];
            if (ParseDocument(line, _parsed, quantizer) is { } message)
                throw error(i, message);
            terms.Clear();
            for (int t = 0; t < _parsed.Count; t++)
            {
                quantizer.TryQuantize(_parsed.Weight(t), out uint impact);
                if (impact == 0)
                    continue;
                var token = _parsed.Token(t);
                if (!_vocabulary.TryGetId(token, out int id) && !newLookup.TryGetValue(token, out id))
                {
                    id = _vocabulary.Count + newTokens.Count;
                    newTokens.Add(token.ToString());
                    newIds.Add(newTokens[^1], id);
                }
                terms.Add((id, (ushort)impact));
            }
            terms.Sort((a, b) => a.Term.CompareTo(b.Term));
            var termIds = new int[terms.Count];
            var impacts = new ushort[terms.Count];
            for (int t = 0; t < terms.Count; t++)
                (termIds[t], impacts[t]) = terms[t];
            documents.Add(new BufferedDocument(sequence, _parsed.Id, termIds, impacts, line));
        }
        return new BufferDocuments(documents, newTokens);
    }

    /// <summary>Parsed documents of one batch and the tokens they add to the vocabulary.</summary>
    private readonly record struct BufferDocuments(List<BufferedDocument> Documents, List<string> NewTokens);

    /// <summary>Adds parsed documents to the buffer (replacing earlier ones with their ids); returns how many were replaced.</summary>
    private int Apply(BufferDocuments batch)
    {
        if (batch.NewTokens.Count > 0)
            _vocabulary = new Vocabulary(_vocabulary.Tokens.Concat(batch.NewTokens), isFixed: false); // published ones never change
        int removed = 0;
        var deletes = new Dictionary<SegmentState, List<uint>>();
        foreach (var document in batch.Documents)
        {
            removed += Remove(document.Id, deletes);
            if (_buffer.Count == 0 || _bufferPositions.Count == 0)
                _bufferSince = DateTime.UtcNow;
            _bufferPositions[document.Id] = _buffer.Count;
            _buffer.Add(document);
            _nextSequence = Math.Max(_nextSequence, document.Sequence + 1);
        }
        ApplyDeletes(deletes);
        _version++;
        return removed;
    }

    /// <summary>Marks the live document <paramref name="id"/> deleted (collected per segment in <paramref name="deletes"/>).</summary>
    private int Remove(string id, Dictionary<SegmentState, List<uint>> deletes)
    {
        int removed = 0;
        if (_bufferPositions.Remove(id, out int position))
        {
            _bufferDeleted = _bufferDeleted.Add(position);
            removed++;
        }
        foreach (var state in _segments)
        {
            long docId = state.Segment.Find(id);
            if (docId < 0 || state.Deleted.Contains((uint)docId))
                continue;
            var list = deletes.TryGetValue(state, out var l) ? l : deletes[state] = [];
            if (!list.Contains((uint)docId))
            {
                list.Add((uint)docId);
                removed++;
            }
        }
        return removed;
    }

    private static void ApplyDeletes(Dictionary<SegmentState, List<uint>> deletes)
    {
        foreach (var (state, docIds) in deletes)
            state.Deleted = state.Deleted.With(docIds);
    }

    /// <summary>Writes the buffer as a segment (if it holds live documents) and commits; the log before it goes.</summary>
    public void Flush()
    {
        ThrowIfNotWriter();
        lock (_lock)
            FlushLocked();
    }

    /// <summary><see cref="Flush"/>: every acknowledged write is then in a committed segment, and the log is empty.</summary>
    public void Commit() => Flush();

    private void FlushLocked()
    {
        if (_buffer.Count == 0)
        {
            if (_segments.Any(s => s.Deleted != s.Committed))
            {
                CommitLocked();
                Publish();
            }
            return;
        }
        // New writes go to a new log from here: the old one holds exactly what this flush commits.
        var next = WriteAheadLog.OpenForAppend(_directory, _log!.Number + 1, 0);
        _log.Dispose();
        _log = next;
        var live = new List<BufferedDocument>(_buffer.Count - _bufferDeleted.Count);
        for (int p = 0; p < _buffer.Count; p++)
        {
            if (!_bufferDeleted.Contains(p))
                live.Add(_buffer[p]);
        }
        if (live.Count > 0)
        {
            string name = SegmentName(_nextSegment++);
            string path = Path.Combine(_directory, name);
            SegmentWriter.WriteBuffer(path, live, _vocabulary, Settings);
            var segment = new Segment(SparseIndex.Open(path, _storage), _vocabulary);
            _segments.Add(new SegmentState(segment, DeletedDocuments.None(segment.DocumentCount), null, committed: false));
        }
        _buffer = new MemoryBuffer();
        _bufferDeleted = [];
        _bufferPositions.Clear();
        _bufferSince = DateTime.UtcNow;
        _logStart = _log.Number;
        CommitLocked();
        _version++;
        Publish();
        foreach (long number in WriteAheadLog.Numbers(_directory).Where(n => n < _logStart))
            Segment.TryDelete(Path.Combine(_directory, WriteAheadLog.FileName(number)));
        _wake.Set();
    }

    /// <summary>Writes the changed deletes and commit point generation + 1; then removes what no generation needs.</summary>
    private void CommitLocked()
    {
        long generation = _generation + 1;
        var entries = new List<SegmentEntry>(_segments.Count);
        var written = new List<(SegmentState State, string? File)>();
        foreach (var state in _segments)
        {
            string? file = state.DeletesFile;
            if (state.Deleted != state.Committed)
            {
                file = null;
                if (state.Deleted.Count > 0)
                {
                    file = state.Segment.Name[..^4] + "_" + generation.ToString(CultureInfo.InvariantCulture) + ".del";
                    AtomicFile.WriteDurably(Path.Combine(_directory, file),
                        ChecksummedFile.Encode(DeletesMagic, System.Runtime.InteropServices.MemoryMarshal.AsBytes(state.Deleted.Bits)));
                }
            }
            written.Add((state, file));
            entries.Add(new SegmentEntry(state.Segment.Name, state.Segment.DocumentCount, state.Deleted.Count, file));
        }
        new CommitPoint
        {
            Generation = generation,
            Settings = Settings,
            Segments = entries,
            LogStart = _logStart,
            NextSequence = _nextSequence,
            NextSegment = _nextSegment,
        }.Write(_directory);
        _generation = generation;
        foreach (var (state, file) in written)
        {
            state.Committed = state.Deleted;
            state.DeletesFile = file;
        }
        RemoveUnused();
    }

    /// <summary>Removes older commit points, and segments, deletes and logs the current one does not need.</summary>
    private void RemoveUnused()
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { CommitPoint.FileName(_generation), LockFileName };
        foreach (var state in _segments)
        {
            needed.Add(state.Segment.Name);
            if (state.DeletesFile is not null)
                needed.Add(state.DeletesFile);
        }
        foreach (var segment in _merging)
            needed.Add(segment.Name);
        foreach (string path in System.IO.Directory.EnumerateFiles(_directory))
        {
            string name = Path.GetFileName(path);
            if (name.Contains(".tmp-", StringComparison.Ordinal))
            {
                TemporaryFiles.RemoveStale(Path.Combine(_directory, name[..name.IndexOf(".tmp-", StringComparison.Ordinal)]));
                continue;
            }
            bool ours = name.StartsWith(CommitPoint.Prefix, StringComparison.Ordinal)
                || (name.StartsWith("seg_", StringComparison.Ordinal) && (name.EndsWith(".sfi", StringComparison.Ordinal) || name.EndsWith(".del", StringComparison.Ordinal)));
            if (ours && !needed.Contains(name) && !IsMergeOutput(name))
                Segment.TryDelete(path);
        }
        foreach (long number in WriteAheadLog.Numbers(_directory).Where(n => n < _logStart))
            Segment.TryDelete(Path.Combine(_directory, WriteAheadLog.FileName(number)));
    }

    private string? _mergeOutput;

    private bool IsMergeOutput(string name) => name == _mergeOutput;

    /// <summary>Publishes the current state as the snapshot searches take from now on.</summary>
    private void Publish()
    {
        var snapshot = new LiveSnapshot(_generation, _version, Settings,
            _segments.Select(s => new SegmentView(s.Segment, s.Deleted)).ToArray(), _buffer, _buffer.Count, _bufferDeleted, _vocabulary);
        var previous = Interlocked.Exchange(ref _current, snapshot);
        previous?.Release();
    }

    /// <summary>Runs one merge the tiered policy asks for; false when none is needed (or one is already running).</summary>
    public bool MaybeMerge() => Merge(candidates => _policy.Find(candidates));

    /// <summary>Merges until at most <paramref name="maxSegments"/> segments are left (1: one segment with no deletes).</summary>
    public void ForceMerge(int maxSegments)
    {
        if (maxSegments < 1)
            ThrowHelper.ArgumentOutOfRange(nameof(maxSegments), "keep at least one segment");
        while (Merge(candidates => MergePolicy.ForMaxSegments(candidates, maxSegments)
            ?? (maxSegments == 1 && candidates.Count == 1 && candidates[0].Deleted > 0 ? [0] : null)))
        {
        }
    }

    private bool Merge(Func<IReadOnlyList<MergePolicy.Candidate>, IReadOnlyList<int>?> choose)
    {
        ThrowIfNotWriter();
        List<SegmentView> sources;
        string name, path;
        Vocabulary vocabulary;
        lock (_lock)
        {
            if (_merging.Count > 0 || _stopping)
                return false;
            var chosen = choose(_segments.Select(s => new MergePolicy.Candidate(s.Segment.DocumentCount, s.Deleted.Count)).ToList());
            if (chosen is null || chosen.Count == 0)
                return false;
            sources = chosen.Select(i => new SegmentView(_segments[i].Segment, _segments[i].Deleted)).ToList();
            foreach (var source in sources)
            {
                _merging.Add(source.Segment);
                source.Segment.TryAcquire(); // held by the merge until it ends, whatever the index does meanwhile
            }
            name = SegmentName(_nextSegment++);
            path = Path.Combine(_directory, name);
            _mergeOutput = name;
            vocabulary = _vocabulary;
        }
        Segment? merged = null;
        try
        {
            long live = sources.Sum(s => (long)s.LiveDocuments);
            uint[][]? newIds = null;
            if (live > 0)
            {
                newIds = SegmentWriter.Merge(path, sources, vocabulary, Settings);
                merged = new Segment(SparseIndex.Open(path, _storage), vocabulary);
            }
            lock (_lock)
            {
                // Documents deleted while the merge ran are deleted in the merged segment too.
                var deletedSince = new List<uint>();
                int first = _segments.Count;
                for (int s = 0; s < sources.Count; s++)
                {
                    var state = _segments.First(x => x.Segment == sources[s].Segment);
                    first = Math.Min(first, _segments.IndexOf(state));
                    for (uint d = 0; d < (uint)state.Segment.DocumentCount; d++)
                    {
                        if (state.Deleted.Contains(d) && !sources[s].Deleted.Contains(d))
                            deletedSince.Add(newIds![s][d]);
                    }
                    _segments.Remove(state);
                }
                if (merged is not null)
                {
                    var deleted = DeletedDocuments.None(merged.DocumentCount).With(deletedSince);
                    _segments.Insert(first, new SegmentState(merged, deleted, null, committed: false));
                }
                _merging.Clear();
                _mergeOutput = null;
                CommitLocked();
                foreach (var source in sources)
                {
                    source.Segment.DeleteWhenReleased();
                    source.Segment.Release(); // the index's own lease
                }
                _version++;
                _mergesDone++;
                _lastMergeError = null;
                Publish();
                merged = null;
            }
            return true;
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _merging.Clear();
                _mergeOutput = null;
                _lastMergeError = e.Message;
            }
            if (merged is not null)
                merged.Release();
            Segment.TryDelete(path);
            throw;
        }
        finally
        {
            foreach (var source in sources)
                source.Segment.Release(); // the merge's lease
        }
    }

    /// <summary>
    /// Starts a background thread that flushes the buffer once its oldest document is <paramref name="flushAfter"/>
    /// old and runs the merges the policy asks for after each flush. Merges never block searches or writes.
    /// </summary>
    public void StartBackgroundWork(TimeSpan flushAfter)
    {
        ThrowIfNotWriter();
        if (_background is not null)
            return;
        _background = new Thread(() =>
        {
            while (!_stopping)
            {
                _wake.WaitOne(flushAfter < TimeSpan.FromSeconds(1) ? flushAfter : TimeSpan.FromSeconds(1));
                if (_stopping)
                    break;
                try
                {
                    lock (_lock)
                    {
                        if (_buffer.Count > 0 && DateTime.UtcNow - _bufferSince >= flushAfter)
                            FlushLocked();
                    }
                    while (!_stopping && MaybeMerge())
                    {
                    }
                }
                catch (Exception e) when (e is IOException or IndexCorruptException or InvalidOperationException or UnauthorizedAccessException)
                {
                    // Recorded in the stats; the writes stay in the log, and the next round tries again.
                    lock (_lock)
                        _lastMergeError = e.Message;
                }
            }
        })
        { IsBackground = true, Name = "live index flush and merge" };
        _background.Start();
    }

    /// <summary>The current generation, segments, buffer, log size and merges, for <c>GET /stats</c> and the CLI.</summary>
    public LiveStats Stats()
    {
        lock (_lock)
        {
            return new LiveStats(_generation, _version,
                _segments.Select(s => new SegmentEntry(s.Segment.Name, s.Segment.DocumentCount, s.Deleted.Count, s.DeletesFile)).ToList(),
                _buffer.Count - _bufferDeleted.Count, _bufferDeleted.Count,
                _segments.Sum(s => (long)(s.Segment.DocumentCount - s.Deleted.Count)) + _buffer.Count - _bufferDeleted.Count,
                _nextSequence, _log?.Length ?? 0, _merging.Select(s => s.Name).ToList(), _mergesDone, _lastMergeError);
        }
    }

    private void ThrowIfNotWriter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_readOnly)
            throw new InvalidOperationException($"{_directory}: opened read-only");
    }

    private void ReleaseAll()
    {
        if (_current is { } snapshot)
        {
            _current = null!;
            snapshot.Release();
        }
        foreach (var state in _segments)
            state.Segment.Release();
        _segments.Clear();
        _log?.Dispose();
    }

    /// <summary>
    /// Stops background work (waiting for a merge under way) and closes the index; segments still leased by searches
    /// stay open until those end.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _stopping = true;
        _wake.Set();
        _background?.Join();
        lock (_lock)
        {
            _disposed = true;
            ReleaseAll();
        }
        _writeLock?.Dispose();
        _wake.Dispose();
    }
}

/// <summary>A leased snapshot; disposing ends the lease.</summary>
public readonly struct SnapshotLease(LiveSnapshot snapshot) : IDisposable
{
    /// <summary>The leased snapshot.</summary>
    public LiveSnapshot Snapshot => snapshot;
    /// <summary>Ends the lease.</summary>
    public void Dispose() => snapshot?.Release();
}
