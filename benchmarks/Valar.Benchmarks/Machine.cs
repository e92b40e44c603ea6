namespace Valar.Benchmarks;

/// <summary>What the table ran on, from /proc.</summary>
internal static class Machine
{
    public static string CpuModel() =>
        ReadLine("/proc/cpuinfo", "model name") is { } line ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() : "unknown CPU";

    public static string MemoryTotal() =>
        ReadLine("/proc/meminfo", "MemTotal") is { } line
            ? $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024:N1} GiB RAM"
            : "unknown memory";

    private static string? ReadLine(string path, string prefix) =>
        File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) : null;
}
