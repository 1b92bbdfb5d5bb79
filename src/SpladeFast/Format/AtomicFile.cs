namespace SpladeFast.Format;

/// <summary>
/// Writes a file under a temporary name and renames it on success: a failed export leaves nothing half-written.
/// Dead writers' temporary files of the same path go first (see <see cref="TemporaryFiles"/>).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; returns what it returns.</summary>
    public static T Write<T>(string path, Func<Stream, T> write)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = TemporaryFiles.Claim(full);
        try
        {
            T result;
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                result = write(stream);
            File.Move(temporary, full, overwrite: true);
            return result;
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
