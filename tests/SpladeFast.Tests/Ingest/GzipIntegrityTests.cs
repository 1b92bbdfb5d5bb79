using System.IO.Compression;
using System.Text;
using SpladeFast.Ingest;
using SpladeFast.Tests.Support;

namespace SpladeFast.Tests.Ingest;

/// <summary>
/// A gzip input that ends early (an interrupted copy or download) is an error naming the file, at every cut point,
/// never a silently shorter collection; complete files, single- or multi-member, read whole.
/// </summary>
public class GzipIntegrityTests
{
    internal static readonly string[] Lines = Enumerable.Range(0, 2000).Select(i => $"{{\"id\": \"d{i}\", \"vector\": {{\"t{i % 97}\": {i % 13 + 1}}}}}").ToArray();

    internal static byte[] Gzip(IEnumerable<string> lines)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        return output.ToArray();
    }

    [Fact]
    public void A_complete_file_reads_whole_single_or_multi_member()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("one.gz"), Gzip(Lines));
        Assert.Equal(Lines, InputFiles.ReadAllLines(dir.File("one.gz")));
        // `cat a.gz b.gz`: the last trailer covers only the last member, so the whole-output check alone would refuse it.
        File.WriteAllBytes(dir.File("two.gz"), [.. Gzip(Lines[..700]), .. Gzip(Lines[700..])]);
        Assert.Equal(Lines, InputFiles.ReadAllLines(dir.File("two.gz")));
    }

    [Fact]
    public void A_file_cut_anywhere_is_refused_naming_it()
    {
        using var dir = new TempDirectory();
        byte[] whole = Gzip(Lines);
        string path = dir.File("cut.jsonl.gz");
        // Every cut from just past the magic bytes to one byte short, stepping through the header, data and trailer.
        var cuts = Enumerable.Range(2, 12).Concat(Enumerable.Range(1, 40).Select(i => whole.Length * i / 41)).Concat(Enumerable.Range(whole.Length - 9, 9));
        foreach (int cut in cuts.Distinct())
        {
            File.WriteAllBytes(path, whole[..cut]);
            var error = Assert.Throws<InputException>(() => InputFiles.ReadAllLines(path));
            Assert.Equal(path, error.FilePath);
        }
    }

    [Fact]
    public void A_multi_member_file_whose_last_member_is_cut_is_refused()
    {
        using var dir = new TempDirectory();
        byte[] first = Gzip(Lines[..700]), second = Gzip(Lines[700..]);
        File.WriteAllBytes(dir.File("cut.gz"), [.. first, .. second[..(second.Length / 2)]]);
        var error = Assert.Throws<InputException>(() => InputFiles.ReadAllLines(dir.File("cut.gz")));
        Assert.Contains("truncated", error.Message);
    }
}
