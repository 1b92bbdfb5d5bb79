using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using SpladeFast.Format;

namespace SpladeFast.Live;

/// <summary>One logged write: documents added (each with its source line) or ids deleted, each with its sequence number.</summary>
public sealed record LogBatch(bool IsDelete, IReadOnlyList<(uint Sequence, byte[] Data)> Entries);

/// <summary>
/// The write-ahead log: files <c>wal_NNNNNN.log</c> of records <c>[payload length u32][XxHash3 of the payload u64]
/// [payload]</c>, one record per acknowledged batch, appended and fsynced before the batch is acknowledged. A record
/// cut short by a crash fails its length or checksum: it and anything after it were never acknowledged, and are
/// dropped (a writer truncates them). After a flush commits, the files before the commit point's log start go.
/// </summary>
public sealed class WriteAheadLog : IDisposable
{
    private const string Prefix = "wal_";
    private const string Suffix = ".log";
    private const int RecordHeader = 12;
    private readonly FileStream _file;

    private WriteAheadLog(FileStream file, long number)
    {
        _file = file;
        Number = number;
    }

    /// <summary>Which log file this is; they are replayed in increasing order.</summary>
    public long Number { get; }

    /// <summary>The log file's size in bytes.</summary>
    public long Length => _file.Length;

    /// <summary>Log file <paramref name="number"/>'s name: wal_NNNNNN.log, culture-invariant.</summary>
    public static string FileName(long number) => Prefix + number.ToString("D6", CultureInfo.InvariantCulture) + Suffix;

    /// <summary>The log files of <paramref name="directory"/> by number, increasing.</summary>
    public static IReadOnlyList<long> Numbers(string directory) =>
        Directory.EnumerateFiles(directory, Prefix + "*" + Suffix)
            .Select(f => Path.GetFileName(f)[Prefix.Length..^Suffix.Length])
            .Select(n => long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : -1)
            .Where(n => n >= 0)
            .Order()
            .ToList();

    /// <summary>
    /// Opens log <paramref name="number"/> for appending, created if absent, cut after its last whole record
    /// (<paramref name="validLength"/>, from <see cref="Read"/>); the directory entry is made durable.
    /// </summary>
    public static WriteAheadLog OpenForAppend(string directory, long number, long validLength)
    {
        string path = Path.Combine(directory, FileName(number));
        bool existed = File.Exists(path);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        try
        {
            if (file.Length != validLength)
            {
                file.SetLength(validLength);
                file.Flush(flushToDisk: true);
            }
            file.Position = validLength;
            if (!existed)
                DirectorySync.Flush(directory);
            return new WriteAheadLog(file, number);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends one batch and fsyncs: once this returns the batch is durable.</summary>
    public void Append(LogBatch batch)
    {
        byte[] payload = Encode(batch);
        var header = new byte[RecordHeader];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(4), XxHash3.HashToUInt64(payload));
        long start = _file.Position;
        try
        {
            _file.Write(header);
            _file.Write(payload);
            _file.Flush(flushToDisk: true);
        }
        catch
        {
            // Not acknowledged: take the partial record back so the next append does not follow a torn one.
            try
            {
                _file.SetLength(start);
                _file.Position = start;
            }
            catch (IOException)
            {
                // The file stays cut mid-record; replay stops there, which loses nothing acknowledged.
            }
            throw;
        }
    }

    /// <summary>The whole batches of log file <paramref name="path"/>, and the length they take (where a torn tail starts).</summary>
    public static (List<LogBatch> Batches, long ValidLength) Read(string path)
    {
        var batches = new List<LogBatch>();
        if (!File.Exists(path))
            return (batches, 0);
        byte[] bytes;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            bytes = new byte[file.Length];
            file.ReadExactly(bytes);
        }
        long position = 0;
        while (position + RecordHeader <= bytes.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)position));
            if (length > bytes.Length - position - RecordHeader)
                break;
            var payload = bytes.AsSpan((int)position + RecordHeader, (int)length);
            if (XxHash3.HashToUInt64(payload) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)position + 4)) || Decode(payload) is not { } batch)
                break;
            batches.Add(batch);
            position += RecordHeader + length;
        }
        return (batches, position);
    }

    private static byte[] Encode(LogBatch batch)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(batch.IsDelete ? (byte)2 : (byte)1);
        writer.Write(batch.Entries.Count);
        foreach (var (sequence, data) in batch.Entries)
        {
            writer.Write(sequence);
            writer.Write(data.Length);
            writer.Write(data);
        }
        writer.Flush();
        return stream.ToArray();
    }

    private static LogBatch? Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 5 || payload[0] is not (1 or 2))
            return null;
        int count = BinaryPrimitives.ReadInt32LittleEndian(payload[1..]);
        var entries = new List<(uint, byte[])>(Math.Max(0, Math.Min(count, payload.Length / 8)));
        int position = 5;
        for (int i = 0; i < count; i++)
        {
            if (position + 8 > payload.Length)
                return null;
            uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(payload[position..]);
            int length = BinaryPrimitives.ReadInt32LittleEndian(payload[(position + 4)..]);
            position += 8;
            if (length < 0 || length > payload.Length - position)
                return null;
            entries.Add((sequence, payload.Slice(position, length).ToArray()));
            position += length;
        }
        return position == payload.Length ? new LogBatch(payload[0] == 2, entries) : null;
    }

    /// <summary>Closes the log file.</summary>
    public void Dispose() => _file.Dispose();
}
