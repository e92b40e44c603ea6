using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Valar.Benchmarks;

/// <summary>
/// Peak working set for 8 concurrent (b) requests, measured in a fresh process so the rest of the run (the naive
/// baseline above all) cannot set the peak. The child hosts the app and the client; the client holds one copy of the body.
/// </summary>
internal static class PeakWorkingSet
{
    public const string ChildFlag = "--peak-working-set-child";

    /// <param name="Peak">Peak during the first burst of 8 concurrent requests, after one warm-up request.</param>
    /// <param name="SecondPeak">Peak during a second burst started right after the first, while its garbage may still be uncollected.</param>
    public readonly record struct Result(long Peak, long SecondPeak, long Baseline, long BodyBytes, bool ResetWorked);

    public static async Task<Result> MeasureInChildAsync(bool quick)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        start.ArgumentList.Add(ChildFlag);
        if (quick)
        {
            start.ArgumentList.Add("--quick");
        }

        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await child.WaitForExitAsync().ConfigureAwait(false);
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("PEAK ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"peak working set child failed (exit {child.ExitCode}): {output}");
        var parts = line.Split(' ');
        return new Result(Long(parts[1]), Long(parts[2]), Long(parts[3]), Long(parts[4]), parts[5] == "True");
    }

    public static async Task<int> RunChildAsync()
    {
        var body = Workloads.Images("(b)", 20, 5 << 20).Body;
        await using var host = await ValarHost.StartAsync().ConfigureAwait(false);
        await host.PostAsync(body).ConfigureAwait(false);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var resetWorked = TryResetPeak();
        using var process = Process.GetCurrentProcess();
        var baseline = process.WorkingSet64;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.PostAsync(body))).ConfigureAwait(false);
        process.Refresh();
        var first = process.PeakWorkingSet64;
        resetWorked &= TryResetPeak();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.PostAsync(body))).ConfigureAwait(false);
        process.Refresh();
        Console.WriteLine($"PEAK {first} {process.PeakWorkingSet64} {baseline} {body.Length} {resetWorked}");
        return 0;
    }

    /// <summary>Linux resets the peak resident set size (VmHWM) of a process that writes 5 to its clear_refs.</summary>
    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
