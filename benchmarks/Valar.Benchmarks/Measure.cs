using System.Diagnostics;

namespace Valar.Benchmarks;

/// <summary>Timing with Stopwatch; cases are interleaved round by round so a noisy neighbour slows every case alike.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="action"/> until <paramref name="minimum"/> has passed; seconds per call.</summary>
    public static double SecondsPerCall(Action action, TimeSpan minimum)
    {
        var calls = 0;
        var started = Stopwatch.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            action();
            calls++;
            elapsed = Stopwatch.GetElapsedTime(started);
        }
        while (elapsed < minimum);

        return elapsed.TotalSeconds / calls;
    }

    /// <summary>
    /// Median seconds per call of each case over <paramref name="rounds"/> rounds; every round runs every case once for
    /// <paramref name="sample"/>, in order, so the ratios between cases see the same machine state.
    /// </summary>
    public static Dictionary<string, double> Interleaved(IReadOnlyList<(string Name, Action Action)> cases, int rounds, TimeSpan sample)
    {
        foreach (var (_, action) in cases)
        {
            // Long enough for the JIT to tier every case up (CoreLib's ready-to-run code is rejitted for AVX-512).
            SecondsPerCall(action, sample * 3);
        }

        var samples = cases.ToDictionary(c => c.Name, _ => new List<double>(rounds));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, action) in cases)
            {
                // The naive baseline leaves hundreds of MB of garbage; collect it outside the timed region.
                GC.Collect();
                samples[name].Add(SecondsPerCall(action, sample));
            }
        }

        return samples.ToDictionary(pair => pair.Key, pair => Median(pair.Value));
    }

    /// <summary>Managed bytes allocated by all threads while <paramref name="action"/> runs once.</summary>
    public static long AllocatedBytes(Action action)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
