using System.Diagnostics;
using Xunit.Abstractions;

namespace Valar.Validation.Tests.Fuzzing;

/// <summary>
/// The bounded fuzz run that is part of every test run: 300,000 seeded cases across the four targets (deterministic:
/// the same seeds every run). For a long run, see docs/fuzzing.md:
/// <c>VALAR_FUZZ_CASES=5000000 VALAR_FUZZ_SEED=1000000 dotnet test --filter "FullyQualifiedName~Fuzzing"</c>.
/// </summary>
public sealed class FuzzTests
{
    private const int MaxReportedFailures = 20;

    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(FuzzTarget.RequestJson)]
    [InlineData(FuzzTarget.DataUri)]
    [InlineData(FuzzTarget.Base64Payload)]
    [InlineData(FuzzTarget.ImageHeader)]
    [InlineData(FuzzTarget.ImageStructure)]
    public async Task Fuzz_SeededMutations_NeverThrowAndKeepEveryProperty(FuzzTarget target)
    {
        using var harness = new FuzzHarness();
        var cases = FuzzSettings.CasesFor(target);
        var first = FuzzSettings.FirstSeed;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();

        for (var seed = first; seed < first + cases && failures.Count < MaxReportedFailures; seed++)
        {
            if (await harness.RunAsync(target, seed) is { } failure)
            {
                failures.Add(failure);
            }
        }

        _output.WriteLine($"{target}: {cases} cases from seed {first} in {clock.Elapsed.TotalSeconds:0.0} s; slowest {harness.SlowestCase.TotalMilliseconds:0.0} ms (seed {harness.SlowestSeed}); parser-only {harness.ParserOnlyCases}");
        Assert.True(failures.Count == 0, $"{failures.Count} failing case(s); add the seeds to FuzzRegressionTests:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }
}
