using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Valar.Validation.Fetching;
using Valar.Validation.Images;
using Valar.Validation.Models;
using Valar.Validation.Payloads;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests.Fuzzing;

/// <summary>What a fuzz case exercises.</summary>
public enum FuzzTarget
{
    /// <summary>Request JSON on all three surfaces, through <see cref="RequestParser"/> and <see cref="RequestValidator"/>.</summary>
    RequestJson,

    /// <summary><see cref="DataUri.TryParse"/> on mutated data URIs.</summary>
    DataUri,

    /// <summary><see cref="ImageContentChecker.CheckBase64"/> on mutated base64, cross-checked against the decoded bytes.</summary>
    Base64Payload,

    /// <summary><see cref="ImageInspector.Inspect"/> on mutated images, whole and as prefixes.</summary>
    ImageHeader,

    /// <summary>
    /// <see cref="ImageContentChecker"/> on mutated corpus images: the structure walkers on every case, base64 against
    /// bytes on every fourth, the decode level (SkiaSharp, small budget) on every eighth.
    /// </summary>
    ImageStructure,
}

/// <summary>
/// Runs one fuzz case from its seed alone (target + seed → the same input every time) and checks the properties:
/// nothing throws, every refusal is a value with a message, invariants of each API hold. Returns null when the case
/// passes, otherwise a description that names the seed so it can be added to <see cref="FuzzRegressionTests"/>.
/// URLs never connect: nothing is allowed, the resolver knows no public address, and a case whose mutated URL became a
/// public IP literal is checked by the parser only.
/// </summary>
internal sealed class FuzzHarness : IDisposable
{
    private const int MaxRequestLength = 16 * 1024;

    private static readonly ModelCatalog Catalog = new(
    [
        new ModelDefinition("moonshotai/Kimi-K2.6", SupportsImages: true, new ModelLimits()),
        new ModelDefinition("small", SupportsImages: true, new ModelLimits { MaxImages = 2, MaxImageBytes = 64, MaxTotalMediaBytes = 100 }),
        new ModelDefinition("deepseek-ai/DeepSeek-V3.1", SupportsImages: false, new ModelLimits()),
    ]);

    private static readonly byte[][] SplicePool =
        [.. FuzzCorpus.Requests.Select(request => request.Body), .. FuzzCorpus.DataUris, .. FuzzCorpus.Images];

    private readonly ImageFetcher _fetcher;
    private readonly RequestValidator _validator;

    public FuzzHarness()
    {
        _fetcher = new ImageFetcher(new FetchOptions { Timeout = TimeSpan.FromSeconds(2), MaxRedirects = 0 }, new NoPublicAddressResolver());
        _validator = new RequestValidator(Catalog, _fetcher);
    }

    /// <summary>
    /// Cases not run through the validator: a URL mutated into a public IP literal (it would connect).
    /// </summary>
    public int ParserOnlyCases { get; private set; }

    public TimeSpan SlowestCase { get; private set; }

    /// <summary>The seed of <see cref="SlowestCase"/>.</summary>
    public int SlowestSeed { get; private set; }

    public static byte[] Input(FuzzTarget target, int seed)
    {
        var random = new Random(unchecked((seed * 8) + (int)target));
        return target switch
        {
            FuzzTarget.RequestJson => Mutator.Mutate(Pick(FuzzCorpus.Requests, random).Body, random, SplicePool, MaxRequestLength),
            FuzzTarget.DataUri => Mutator.Mutate(Pick(FuzzCorpus.DataUris, random), random, SplicePool, MaxRequestLength),
            FuzzTarget.Base64Payload => Mutator.Mutate(Pick(FuzzCorpus.Base64Payloads, random), random, FuzzCorpus.Base64Payloads, MaxRequestLength),
            FuzzTarget.ImageStructure => Mutator.Mutate(Pick(FuzzCorpus.StructureImages, random), random, FuzzCorpus.StructureImages, 96 * 1024),
            _ => Mutator.Mutate(Pick(FuzzCorpus.Images, random), random, FuzzCorpus.Images, 96 * 1024),
        };
    }

    public async Task<string?> RunAsync(FuzzTarget target, int seed)
    {
        var input = Input(target, seed);
        var started = Stopwatch.GetTimestamp();
        string? failure;
        try
        {
            failure = target switch
            {
                FuzzTarget.RequestJson => await CheckRequestAsync(input, seed),
                FuzzTarget.DataUri => CheckDataUri(input),
                FuzzTarget.Base64Payload => CheckBase64(input, seed),
                FuzzTarget.ImageStructure => CheckStructure(input, seed),
                _ => CheckImage(input, seed),
            };
        }
        catch (Exception exception)
        {
            failure = $"threw {exception.GetType().Name}: {exception.Message}";
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed > SlowestCase)
        {
            SlowestCase = elapsed;
            SlowestSeed = seed;
        }

        if (failure is null && elapsed > FuzzSettings.MaxCaseTime)
        {
            failure = $"took {elapsed.TotalMilliseconds:0} ms";
        }

        return failure is null ? null : string.Create(CultureInfo.InvariantCulture, $"{target} seed {seed}: {failure}");
    }

    public void Dispose() => _fetcher.Dispose();

    private static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];

    private async Task<string?> CheckRequestAsync(byte[] body, int seed)
    {
        var surface = (ApiSurface)(seed % 3);
        var parsed = RequestParser.Parse(surface, body);
        if (!parsed.Succeeded)
        {
            if (string.IsNullOrWhiteSpace(parsed.Error.Message))
            {
                return "parser refused without a message";
            }
        }
        else if (parsed.Request.Images.Any(image => image.Source == ImageSourceKind.Url && TargetsPublicLiteral(image.Url)))
        {
            ParserOnlyCases++;
            return null;
        }

        var outcome = await _validator.ValidateAsync(surface, body);
        if (!outcome.Succeeded)
        {
            if (string.IsNullOrWhiteSpace(outcome.Error.Message) || !Enum.IsDefined(outcome.Error.Code))
            {
                return $"refusal without a message or with an unknown code: {outcome.Error}";
            }

            if (!parsed.Succeeded && outcome.Error != parsed.Error)
            {
                return $"validator said '{outcome.Error.Message}' where the parser said '{parsed.Error.Message}'";
            }
        }
        else if (!parsed.Succeeded)
        {
            return $"validator accepted a body the parser refused: {parsed.Error.Message}";
        }

        return null;
    }

    private static string? CheckDataUri(byte[] text)
    {
        if (DataUri.TryParse(text, out var mediaType, out var payloadOffset, out var problem))
        {
            if (payloadOffset < 6 || payloadOffset > text.Length || text[payloadOffset - 1] != (byte)',')
            {
                return $"payload offset {payloadOffset} is not just after a comma";
            }

            if (mediaType is not null && (mediaType.Length == 0 || !System.Text.Ascii.IsValid(mediaType)))
            {
                return $"media type '{mediaType}' is empty or not ASCII";
            }

            return problem is null ? null : "succeeded with a problem";
        }

        return string.IsNullOrWhiteSpace(problem) ? "failed without a problem" : null;
    }

    /// <summary>
    /// Base64 is decoded into a pooled buffer and walked whole; the verdict and every fact (format, size, frames, byte
    /// count) must equal checking the decoded bytes.
    /// </summary>
    private string? CheckBase64(byte[] text, int seed)
    {
        long maxBytes = (seed % 4) switch { 0 => 16, 1 => 300, 2 => 4096, _ => ModelLimits.DefaultMaxImageBytes };
        string? declared = (seed % 5) switch { 0 => null, 1 => "image/png", 2 => "image/jpg", 3 => "image/gif; charset=x", _ => "  " };
        var result = ImageContentChecker.CheckBase64(text, declared, maxBytes, "p");
        if (!result.Succeeded && string.IsNullOrWhiteSpace(result.Error.Message))
        {
            return "refused without a message";
        }

        // The oracle decodes everything with the same strict RFC 4648 rules (System.Convert would also take non-zero
        // padding bits, which the product refuses on purpose).
        var decoded = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(text, decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return result.Succeeded ? "accepted text that is not base64" : null;
        }

        decoded = decoded[..written];
        var expected = ImageContentChecker.CheckBytes(decoded, declared, maxBytes, "p");
        if (result.Succeeded != expected.Succeeded || result.Error?.Message != expected.Error?.Message ||
            (result.Succeeded && (result.Bytes != expected.Bytes || result.Info.Format != expected.Info!.Format ||
             result.Info.Width != expected.Info.Width || result.Info.Height != expected.Info.Height ||
             result.Info.FrameCount != expected.Info.FrameCount || result.Info.IsAnimated != expected.Info.IsAnimated)))
        {
            return $"base64 verdict '{Describe(result)}' differs from decoded verdict '{Describe(expected)}'";
        }

        return null;
    }

    /// <summary>
    /// The walkers never throw or hang; a refusal is a value with a message and an image code; accepted facts are sane;
    /// base64 agrees with bytes; the decode level (SkiaSharp) never throws on what the walkers let through.
    /// </summary>
    private static string? CheckStructure(byte[] image, int seed)
    {
        var result = ImageContentChecker.CheckBytes(image, null, ImageCheckOptions.Default, "p");
        if (Sane(result) is { } problem)
        {
            return problem;
        }

        if (seed % 4 == 0)
        {
            var base64 = ImageContentChecker.CheckBase64(FuzzCorpus.Utf8(Convert.ToBase64String(image)), null, ImageCheckOptions.Default, "p");
            if (Describe(base64) != Describe(result))
            {
                return $"base64 verdict '{Describe(base64)}' differs from bytes verdict '{Describe(result)}'";
            }
        }

        if (seed % 8 == 0)
        {
            var decoded = ImageContentChecker.CheckBytes(image, null, DecodeOptions, "p");
            if (Sane(decoded) is { } decodeProblem)
            {
                return "decode level: " + decodeProblem;
            }

            if (decoded.Succeeded && !result.Succeeded)
            {
                return $"decode level accepted what structure refused: {result.Error.Message}";
            }
        }

        return null;
    }

    private static readonly ImageCheckOptions DecodeOptions = new() { Integrity = ImageIntegrity.Decode, MaxDecodePixels = 1 << 20 };

    private static string? Sane(ImageCheckResult result)
    {
        if (!result.Succeeded)
        {
            return string.IsNullOrWhiteSpace(result.Error.Message) || result.Error.Path != "p" ? $"refusal without a message or path: {result.Error}" : null;
        }

        var info = result.Info;
        return info.Width <= 0 || info.Height <= 0 || info.FrameCount < 1 || (info.IsAnimated && info.Format == ImageFormat.Jpeg)
            ? $"accepted with facts {info}"
            : null;
    }

    /// <summary>Inspection never throws, keeps its documented contract, and a prefix never contradicts the whole image's size.</summary>
    private static string? CheckImage(byte[] image, int seed)
    {
        var whole = ImageInspector.Inspect(image, isComplete: true);
        var contract = CheckContract(whole, image.Length, isComplete: true);
        if (contract is not null || image.Length == 0)
        {
            return contract;
        }

        var random = new Random(seed);
        for (var i = 0; i < 3; i++)
        {
            var length = random.Next(image.Length + 1);
            var isComplete = random.Next(4) == 0;
            var prefix = ImageInspector.Inspect(image.AsSpan(0, length), isComplete);
            contract = CheckContract(prefix, length, isComplete);
            if (contract is not null)
            {
                return $"prefix of {length} bytes: {contract}";
            }

            if (!isComplete && whole.Status == InspectionStatus.Recognized && prefix.Status == InspectionStatus.Recognized &&
                (prefix.Info!.Width != whole.Info!.Width || prefix.Info.Height != whole.Info.Height || prefix.Info.MediaType != whole.Info.MediaType))
            {
                return $"prefix of {length} bytes says {prefix.Info} but the whole image says {whole.Info}";
            }
        }

        return null;
    }

    private static string? CheckContract(ImageInspection inspection, int length, bool isComplete) => inspection.Status switch
    {
        InspectionStatus.Recognized when inspection.Info is null => "recognized without facts",
        InspectionStatus.Recognized when inspection.Info.Width <= 0 || inspection.Info.Height <= 0 => $"recognized with size {inspection.Info.Width}x{inspection.Info.Height}",
        InspectionStatus.Invalid when string.IsNullOrWhiteSpace(inspection.Problem) => "invalid without a problem",
        InspectionStatus.NeedMoreData when isComplete => "asked for more data although the data is complete",
        InspectionStatus.NeedMoreData when inspection.MinimumBytesNeeded <= length => $"asked for {inspection.MinimumBytesNeeded} bytes with {length} in hand",
        _ when string.IsNullOrEmpty(inspection.DetectedMediaType) => "no detected media type",
        _ => null,
    };

    private static string Describe(ImageCheckResult result) =>
        result.Succeeded ? $"valid {result.Info} ({result.Bytes} bytes)" : result.Error.Message;

    /// <summary>
    /// True when the fetcher would treat <paramref name="url"/>'s host as an IP literal that is public, i.e. would connect
    /// to it. Deliberately broader than the fetcher's own test, so nothing slips through.
    /// </summary>
    private static bool TargetsPublicLiteral(string? url)
    {
        if (RequestValidator.ToFetchableUri(url) is not { } uri)
        {
            return false;
        }

        foreach (var candidate in new[] { uri.IdnHost, uri.IdnHost.TrimEnd('.'), uri.Host.Trim('[', ']'), uri.DnsSafeHost })
        {
            if (IPAddress.TryParse(candidate, out var address) && AddressPolicy.IsPublic(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Knows a few private names; every other name fails like NXDOMAIN. Never answers a public address.</summary>
    private sealed class NoPublicAddressResolver : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
            host.EndsWith(".internal.test", StringComparison.OrdinalIgnoreCase)
                ? Task.FromResult<IPAddress[]>([IPAddress.Parse("10.1.2.3")])
                : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}

/// <summary>Case counts and limits; <c>VALAR_FUZZ_CASES</c> and <c>VALAR_FUZZ_SEED</c> turn the bounded run into a long one.</summary>
internal static class FuzzSettings
{
    /// <summary>Cases per run across all targets when <c>VALAR_FUZZ_CASES</c> is not set.</summary>
    public const int DefaultTotalCases = 300_000;

    /// <summary>A case this slow is a hang, not noise; the machine is shared and GC pauses happen.</summary>
    public static readonly TimeSpan MaxCaseTime = Eventually.Bound;

    public static int TotalCases =>
        int.TryParse(Environment.GetEnvironmentVariable("VALAR_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cases) && cases > 0
            ? cases
            : DefaultTotalCases;

    public static int FirstSeed =>
        int.TryParse(Environment.GetEnvironmentVariable("VALAR_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : 1;

    /// <summary>Share of the total per target: request JSON is the widest surface.</summary>
    public static int CasesFor(FuzzTarget target) => target switch
    {
        FuzzTarget.RequestJson => TotalCases / 3,
        FuzzTarget.DataUri => TotalCases / 6,
        FuzzTarget.Base64Payload => TotalCases / 6,
        FuzzTarget.ImageStructure => TotalCases / 10,
        _ => TotalCases - (TotalCases / 3) - (2 * (TotalCases / 6)) - (TotalCases / 10),
    };
}
