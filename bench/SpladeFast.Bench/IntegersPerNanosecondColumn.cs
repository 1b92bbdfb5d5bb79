using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SpladeFast.Bench;

/// <summary>Decode throughput: with one operation per integer, the mean is ns per integer and this is its inverse.</summary>
public sealed class IntegersPerNanosecondColumn : IColumn
{
    public string Id => nameof(IntegersPerNanosecondColumn);
    public string ColumnName => "Integers/ns";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Integers decoded per nanosecond (higher is better)";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        return report?.ResultStatistics is { Mean: > 0 } stats ? (1.0 / stats.Mean).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }
}
