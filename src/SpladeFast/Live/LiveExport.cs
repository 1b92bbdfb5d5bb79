using SpladeFast.Format;
using SpladeFast.Index;

namespace SpladeFast.Live;

/// <summary>
/// A snapshot's live documents as one ordinary index, in sequence order: what a build from scratch over them gives
/// (a merge of every segment and the buffer, deletes left out), for the tools that read one index file (export).
/// </summary>
public static class LiveExport
{
    /// <exception cref="InvalidOperationException">The snapshot holds no live document.</exception>
    public static long WriteIndex(LiveSnapshot snapshot, string path, IProgress<BuildProgress>? progress = null)
    {
        if (snapshot.DocumentCount == 0)
            throw new InvalidOperationException("the live index holds no documents");
        var views = snapshot.Segments.ToList();
        string? bufferPath = null;
        Segment? buffer = null;
        try
        {
            if (snapshot.BufferLiveDocuments > 0)
            {
                bufferPath = TemporaryFiles.Claim(path, "buffer");
                var live = Enumerable.Range(0, snapshot.BufferCount).Where(p => !snapshot.BufferDeleted.Contains(p)).Select(p => snapshot.Buffer[p]).ToList();
                SegmentWriter.WriteBuffer(bufferPath, live, snapshot.Vocabulary, snapshot.Settings);
                buffer = new Segment(SparseIndex.Open(bufferPath), snapshot.Vocabulary);
                views.Add(new SegmentView(buffer, DeletedDocuments.None(buffer.DocumentCount)));
            }
            SegmentWriter.Merge(path, views, snapshot.Vocabulary, snapshot.Settings, progress);
            return new FileInfo(path).Length;
        }
        finally
        {
            buffer?.Release();
            if (bufferPath is not null)
                File.Delete(bufferPath);
        }
    }
}
