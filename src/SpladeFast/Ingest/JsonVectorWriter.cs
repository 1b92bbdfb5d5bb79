using System.IO.Compression;
using System.Text.Json;

namespace SpladeFast.Ingest;

/// <summary>
/// Writes Anserini JsonVectorCollection lines <c>{"id": "...", "vector": {"token": weight}}</c>, gzip when
/// the name ends in .gz, to a temporary name renamed on <see cref="Commit"/> (dead writers' temporary files of the
/// same path go first, see <see cref="Format.TemporaryFiles"/>).
/// </summary>
public sealed class JsonVectorWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporary;
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;
    private bool _committed;

    /// <summary>Starts writing <paramref name="path"/> under a temporary name (its directory is created if missing).</summary>
    public JsonVectorWriter(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _temporary = Format.TemporaryFiles.Claim(_path);
        Stream file = new FileStream(_temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new BufferedStream(new GZipStream(file, CompressionLevel.Fastest), 1 << 20)
            : file;
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Lines written.</summary>
    public long Count { get; private set; }

    /// <summary>Writes one document's line; weights as JSON numbers (shortest round-trip form).</summary>
    public void Write(string id, IEnumerable<(string Token, float Weight)> vector)
    {
        _json.Reset(_stream);
        _json.WriteStartObject();
        _json.WriteString("id"u8, id);
        _json.WriteStartObject("vector"u8);
        foreach (var (token, weight) in vector)
            _json.WriteNumber(token, weight);
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
        _stream.WriteByte((byte)'\n');
        Count++;
    }

    /// <summary>Closes the file and renames it into place.</summary>
    public void Commit()
    {
        _json.Dispose();
        _stream.Dispose();
        File.Move(_temporary, _path, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        if (_committed)
            return;
        _json.Dispose();
        _stream.Dispose();
        File.Delete(_temporary);
    }
}
