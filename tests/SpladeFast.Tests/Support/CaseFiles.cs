namespace SpladeFast.Tests.Support;

/// <summary>
/// The inputs of <c>../shared/cases/DATE/</c> that tests use, copied into this project (Cases/) so that they run
/// without ../shared; the case README there says what each stands for.
/// </summary>
public static class CaseFiles
{
    public static string Path(string date, string @case, string file) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "Cases", date, @case, file);
}
