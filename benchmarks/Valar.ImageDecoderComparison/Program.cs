using System.Diagnostics;
using System.Globalization;
using SkiaSharp;
using Valar.ImageDecoderComparison;
using Valar.Testing.Images;
using Valar.Validation;
using Valar.Validation.Images;

// dotnet run -c Release --project benchmarks/Valar.ImageDecoderComparison [-- --all]
// Runs every reader over the committed corpus (tests/Valar.Testing/Images/Corpus) and compares each verdict with the
// manifest's ground truth: files Pillow and libvips both decode must be accepted, files both refuse must be refused.
var showAll = args.Contains("--all");
var timeout = TimeSpan.FromSeconds(5);
var readers = new IReader[]
{
    new ValarReader("valar structure", ImageCheckOptions.Default),
    new ValarReader("valar decode", new ImageCheckOptions { Integrity = ImageIntegrity.Decode }),
    new SkiaReader(),
    new ImageSharpReader(identifyOnly: true),
    new ImageSharpReader(identifyOnly: false),
};

var entries = ImageCorpus.Entries.Where(entry => entry.Format != "unsupported").ToList();
Console.WriteLine($"corpus: {entries.Count} files; Pillow and libvips both decode {entries.Count(e => e.BothDecode)}, both refuse {entries.Count(e => e.BothRefuse)}, disagree {entries.Count(e => !e.BothDecode && !e.BothRefuse)}");
Console.WriteLine($"per-file timeout {timeout.TotalSeconds:0} s (ImageSharp's Load can loop forever on a truncated interlaced PNG)");
Console.WriteLine();

var stats = readers.ToDictionary(reader => reader.Name, _ => new Stats());
foreach (var entry in entries)
{
    var bytes = ImageCorpus.Load(entry.File);
    foreach (var reader in readers)
    {
        var started = Stopwatch.GetTimestamp();
        var verdict = RunWithTimeout(() => reader.Read(bytes), timeout);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var s = stats[reader.Name];
        s.Time += elapsed;
        if (elapsed > s.Slowest)
        {
            (s.Slowest, s.SlowestFile) = (elapsed, entry.File);
        }

        s.TimedOut += verdict.TimedOut ? 1 : 0;
        var wrong = (entry.BothDecode && !verdict.Accepted) || (entry.BothRefuse && verdict.Accepted);
        var factsWrong = entry.BothDecode && verdict.Accepted && verdict.Frames is { } frames && frames != entry.Frames;
        if (entry.BothDecode)
        {
            s.ValidAccepted += verdict.Accepted ? 1 : 0;
            s.FramesRight += verdict.Accepted && verdict.Frames == entry.Frames ? 1 : 0;
        }
        else if (entry.BothRefuse)
        {
            s.BrokenRefused += verdict.Accepted ? 0 : 1;
        }

        if (wrong || factsWrong || showAll)
        {
            var expected = entry.BothDecode ? "both decode" : entry.BothRefuse ? "both refuse" : "decoders disagree";
            Console.WriteLine($"{entry.File,-42} {reader.Name,-22} {(verdict.Accepted ? "accepted" : "refused"),-8} frames {verdict.Frames?.ToString(CultureInfo.InvariantCulture) ?? "-",-3} ({expected}, manifest frames {entry.Frames}) {verdict.Detail}");
        }
    }
}

var validCount = entries.Count(e => e.BothDecode);
var brokenCount = entries.Count(e => e.BothRefuse);
Console.WriteLine();
Console.WriteLine($"| reader | valid files accepted (of {validCount}) | true frame count (of {validCount}) | broken files refused (of {brokenCount}) | timeouts | total time | slowest file |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var reader in readers)
{
    var s = stats[reader.Name];
    var frames = reader.ReportsFrames ? s.FramesRight.ToString(CultureInfo.InvariantCulture) : "n/a";
    Console.WriteLine($"| {reader.Name} | {s.ValidAccepted} | {frames} | {s.BrokenRefused} | {s.TimedOut} | {s.Time.TotalMilliseconds:N0} ms | {s.SlowestFile} {s.Slowest.TotalMilliseconds:N0} ms |");
}

// A hung ImageSharp thread may still be spinning: leave without waiting for it.
Environment.Exit(0);

static Verdict RunWithTimeout(Func<Verdict> read, TimeSpan timeout)
{
    var task = Task.Factory.StartNew(
        () =>
        {
            try
            {
                return read();
            }
            catch (Exception exception)
            {
                return new Verdict(false, null, $"{exception.GetType().Name}: {exception.Message.Split('\n')[0]}");
            }
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
    return task.Wait(timeout) ? task.Result : new Verdict(false, null, $"did not return within {timeout.TotalSeconds:0} s", TimedOut: true);
}

namespace Valar.ImageDecoderComparison
{
    internal sealed record Verdict(bool Accepted, int? Frames, string Detail, bool TimedOut = false);

    internal sealed class Stats
    {
        public int ValidAccepted;
        public int FramesRight;
        public int BrokenRefused;
        public int TimedOut;
        public TimeSpan Time;
        public TimeSpan Slowest;
        public string SlowestFile = "";
    }

    internal interface IReader
    {
        string Name { get; }

        bool ReportsFrames { get; }

        Verdict Read(byte[] bytes);
    }

    /// <summary>The project's own check, as the endpoint runs it.</summary>
    internal sealed class ValarReader(string name, ImageCheckOptions options) : IReader
    {
        public string Name => name;

        public bool ReportsFrames => true;

        public Verdict Read(byte[] bytes)
        {
            var result = ImageContentChecker.CheckBytes(bytes, null, options);
            return result.Succeeded ? new Verdict(true, result.Info.FrameCount, "") : new Verdict(false, null, result.Error.Message);
        }
    }

    /// <summary>SkiaSharp 3.119.4 alone: SKCodec over every frame; anything but Success is a refusal.</summary>
    internal sealed class SkiaReader : IReader
    {
        public string Name => "SkiaSharp 3.119.4";

        public bool ReportsFrames => true;

        public Verdict Read(byte[] bytes)
        {
            using var data = SKData.CreateCopy(bytes);
            using var codec = SKCodec.Create(data);
            if (codec is null)
            {
                return new Verdict(false, null, "SKCodec.Create returned null");
            }

            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
            var pixels = new byte[info.BytesSize];
            var frames = Math.Max(1, codec.FrameCount);
            for (var frame = 0; frame < frames; frame++)
            {
                var handle = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
                try
                {
                    var result = codec.GetPixels(info, handle.AddrOfPinnedObject(), info.RowBytes, new SKCodecOptions(frame));
                    if (result != SKCodecResult.Success)
                    {
                        return new Verdict(false, null, $"frame {frame + 1}: {result}");
                    }
                }
                finally
                {
                    handle.Free();
                }
            }

            return new Verdict(true, frames, "");
        }
    }

    /// <summary>SixLabors.ImageSharp 2.1.13: Image.Identify (header only) or Image.Load (every frame).</summary>
    internal sealed class ImageSharpReader(bool identifyOnly) : IReader
    {
        public string Name => identifyOnly ? "ImageSharp 2.1.13 Identify" : "ImageSharp 2.1.13 Load";

        public bool ReportsFrames => !identifyOnly;

        public Verdict Read(byte[] bytes)
        {
            if (identifyOnly)
            {
                var info = SixLabors.ImageSharp.Image.Identify(bytes);
                return info is null ? new Verdict(false, null, "not recognized") : new Verdict(true, null, $"{info.Width}x{info.Height}");
            }

            using var image = SixLabors.ImageSharp.Image.Load(bytes);
            return new Verdict(true, image.Frames.Count, "");
        }
    }
}
