using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Valar.Validation;
using Valar.Validation.Images;

namespace Valar.Benchmarks;

/// <summary>
/// <c>--images</c>: the integrity levels (issue 13). Structure level in process for 20 × 1 MiB and 20 × 5 MiB base64
/// payloads of each format against <see cref="Base64.DecodeFromUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/>
/// of the same payloads (target ≥ 0.5×), and decode level time and peak memory per format at 1, 5 and 20 MB.
/// </summary>
internal static class ImageBenchmarks
{
    private static readonly ImageCheckOptions Structure = new() { MaxImageBytes = 32 << 20 };

    private static readonly ImageCheckOptions Decode = new() { MaxImageBytes = 32 << 20, Integrity = ImageIntegrity.Decode, MaxDecodePixels = 1L << 28 };

    public static int Run(bool quick)
    {
        var rounds = quick ? 3 : 7;
        var sample = TimeSpan.FromMilliseconds(quick ? 60 : 150);
        var table = new ResultTable();
        table.Section("7. Structure level in process: ImageContentChecker.CheckBase64 of 20 payloads (full decode into a pooled buffer + walk) vs Base64.DecodeFromUtf8 of the same payloads (GB/s of base64; median of interleaved rounds)");
        foreach (var megabytes in new[] { 1, 5 })
        {
            foreach (var format in ImageWorkloads.Formats)
            {
                var image = ImageWorkloads.Make(format, megabytes << 20);
                var payloads = Enumerable.Range(0, 20).Select(_ => Encoding.ASCII.GetBytes(Convert.ToBase64String(image))).ToArray();
                var decoded = new byte[image.Length];
                void DecodeAll()
                {
                    foreach (var payload in payloads)
                    {
                        Base64.DecodeFromUtf8(payload, decoded, out _, out _);
                    }
                }

                void CheckAll()
                {
                    foreach (var payload in payloads)
                    {
                        var result = ImageContentChecker.CheckBase64(payload, null, Structure);
                        if (!result.Succeeded)
                        {
                            throw new InvalidOperationException($"{format}: {result.Error.Message}");
                        }
                    }
                }

                var seconds = Measure.Interleaved([("decode", DecodeAll), ("check", CheckAll)], rounds, sample);
                var base64Bytes = payloads.Sum(p => (long)p.Length);
                var id = $"{megabytes}M";
                table.Add(id, $"20 x {image.Length / 1048576.0:N2} MiB {format}: structure check", $"{base64Bytes / seconds["check"] / 1e9:N2} GB/s");
                table.Add(id, "  limit: Base64.DecodeFromUtf8 alone", $"{base64Bytes / seconds["decode"] / 1e9:N2} GB/s");
                table.Ratio(id, "  check / decode rate", seconds["decode"] / seconds["check"], 0.5, atLeast: true);
            }
        }

        table.Section("8. Decode level (SkiaSharp, every frame) per image, bytes in hand: median time; peak resident memory above the process before the decode (VmHWM; 0 when the allocator reuses pages already resident) and the RGBA frame buffer it allocates");
        foreach (var megabytes in new[] { 1, 5, 20 })
        {
            foreach (var format in ImageWorkloads.Formats)
            {
                var image = ImageWorkloads.Make(format, megabytes * 1_000_000);
                var info = ImageInspector.Inspect(image, isComplete: true).Info!;
                void DecodeOnce()
                {
                    var result = ImageContentChecker.CheckBytes(image, null, Decode);
                    if (!result.Succeeded)
                    {
                        throw new InvalidOperationException($"{format}: {result.Error.Message}");
                    }
                }

                DecodeOnce();
                var times = new List<double>();
                for (var i = 0; i < (quick ? 3 : 5); i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    DecodeOnce();
                    times.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                }

                GC.Collect();
                GC.WaitForPendingFinalizers();
                var peak = PeakAbove(DecodeOnce);
                table.Add(
                    $"{megabytes}MB",
                    $"{format} {image.Length / 1e6:N1} MB, {info.Width}x{info.Height}: decode level",
                    $"{Measure.Median(times) * 1000:N0} ms, peak +{Math.Max(0, peak) / 1e6:N0} MB (frame buffer {info.Width * 4L * info.Height / 1e6:N0} MB)");
            }
        }

        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine($"\n{table.Misses} target(s) missed.");
        return 0;
    }

    /// <summary>Resident bytes above the current RSS at the peak of <paramref name="action"/> (Linux VmHWM after a reset), or -1.</summary>
    private static long PeakAbove(Action action)
    {
        try
        {
            var before = Status("VmRSS:");
            File.WriteAllText("/proc/self/clear_refs", "5");
            action();
            return Status("VmHWM:") - before;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
