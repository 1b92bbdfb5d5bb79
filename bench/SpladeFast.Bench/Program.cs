using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SpladeFast.Bench.DecodeBenchmarks).Assembly).Run(args);
