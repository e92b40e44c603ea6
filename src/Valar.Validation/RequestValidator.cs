using Valar.Validation.Fetching;
using Valar.Validation.Models;
using Valar.Validation.Payloads;
using Valar.Validation.Requests;

namespace Valar.Validation;

/// <summary>
/// Runs every check over a request body, in order, and reports the first failure:
/// model accepts images, image count, then per image in request order: URL scheme, public target, download,
/// decoded size, detected type and integrity (<see cref="ModelLimits.Integrity"/>), declared type, then the model's
/// optional image policy. A request's URLs are fetched concurrently; the verdict is the same
/// as if they had been fetched one by one.
/// </summary>
public sealed class RequestValidator
{
    private readonly ModelCatalog _catalog;
    private readonly ImageFetcher _fetcher;

    public RequestValidator(ModelCatalog catalog, ImageFetcher fetcher)
    {
        _catalog = catalog;
        _fetcher = fetcher;
    }

    /// <summary>
    /// Scan base64 payloads of a megabyte and more on the thread pool while the parse goes on (default), rather than on
    /// the calling thread right after the JSON reader has passed over them, and check (decode and walk) the next large
    /// base64 image on the thread pool while the current one is checked. Either way each payload is scanned and checked
    /// once and the verdict is the same; this only moves work to another core when one is free.
    /// </summary>
    public bool ScanPayloadsInParallel { get; init; } = true;

    /// <summary>Validates <paramref name="body"/>, which must stay unchanged until the returned task completes.</summary>
    public Task<ValidationOutcome> ValidateAsync(ApiSurface surface, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default) =>
        ValidateAsync(surface, body, keepDownloads: false, cancellationToken);

    /// <summary>
    /// Validates <paramref name="body"/>, which must stay unchanged until the returned task completes. With
    /// <paramref name="keepDownloads"/>, a valid outcome keeps the checked bytes of every URL image
    /// (<see cref="ValidationOutcome.Downloads"/>) until it is disposed.
    /// </summary>
    public Task<ValidationOutcome> ValidateAsync(ApiSurface surface, ReadOnlyMemory<byte> body, bool keepDownloads, CancellationToken cancellationToken = default)
    {
        var mode = ScanPayloadsInParallel ? Base64ScanMode.Parallel : Base64ScanMode.Inline;
        var parsed = RequestParser.Parse(surface, body, _catalog.LargestMaxImages + 1, mode, out var base64Scans);
        return base64Scans is not null && base64Scans.Any(scan => scan.Running is not null)
            ? ValidateThenDrainAsync(parsed, base64Scans, keepDownloads, cancellationToken)
            : ValidateParsedAsync(parsed, base64Scans, keepDownloads, cancellationToken);
    }

    /// <summary>Whatever the verdict, returns only once no scan reads the body any more.</summary>
    private async Task<ValidationOutcome> ValidateThenDrainAsync(ParseResult parsed, IReadOnlyList<PendingBase64Scan> base64Scans, bool keepDownloads, CancellationToken cancellationToken)
    {
        try
        {
            return await ValidateParsedAsync(parsed, base64Scans, keepDownloads, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var scan in base64Scans)
            {
                if (scan.Running is { } running)
                {
                    await running.ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<ValidationOutcome> ValidateParsedAsync(ParseResult parsed, IReadOnlyList<PendingBase64Scan>? base64Scans, bool keepDownloads, CancellationToken cancellationToken)
    {
        if (!parsed.Succeeded)
        {
            return ValidationOutcome.Invalid(parsed.Error);
        }

        var request = parsed.Request;
        var model = _catalog.Find(request.Model);
        if (request.ImageCount == 0)
        {
            return ValidationOutcome.Valid(Report(request, model, []));
        }

        if (model is not { SupportsImages: true })
        {
            return ValidationOutcome.Invalid(ValidationErrors.ModelDoesNotSupportImages(request.Model));
        }

        var limits = model.Limits;
        if (request.ImageCount > limits.MaxImages)
        {
            return ValidationOutcome.Invalid(ValidationErrors.TooManyImages(limits.MaxImages));
        }

        await using var fetches = new PendingFetches(_fetcher, request.Images, limits.MaxImageBytes, cancellationToken);
        var imageOptions = limits.ToImageCheckOptions();
        var reports = new List<ImageReport>(request.Images.Count);
        var downloads = keepDownloads ? new List<DownloadedImage>() : null;
        var kept = keepDownloads ? new List<IDisposable>() : null;
        long totalBytes = 0;

        // With ScanPayloadsInParallel, the next large base64 image is checked (decoded and walked) on the thread pool
        // while this one is checked here: two pooled buffers in flight at most, results still taken in request order.
        Task<ImageCheckResult>? ahead = null;
        var aheadIndex = -1;
        try
        {
            for (var i = 0; i < request.Images.Count; i++)
            {
                var image = request.Images[i];
                ImageCheckResult checkedImage;
                if (image.Source != ImageSourceKind.Base64)
                {
                    checkedImage = await CheckUrlImageAsync(image, fetches, imageOptions, downloads, kept).ConfigureAwait(false);
                }
                else if (ahead is not null && aheadIndex == i)
                {
                    checkedImage = await ahead.ConfigureAwait(false);
                    ahead = null;
                }
                else
                {
                    if (ScanPayloadsInParallel && Environment.ProcessorCount > 1 && i + 1 < request.Images.Count
                        && request.Images[i + 1] is { Source: ImageSourceKind.Base64 } next && next.Base64.Length >= PendingBase64Scan.ParallelThreshold)
                    {
                        var nextScan = base64Scans![i + 1];
                        aheadIndex = i + 1;
                        ahead = Task.Run(() => CheckBase64Async(next, nextScan, imageOptions), CancellationToken.None);
                    }

                    checkedImage = await CheckBase64Async(image, base64Scans![i], imageOptions).ConfigureAwait(false);
                }

                if (!checkedImage.Succeeded)
                {
                    // A size failure outranks the total; any other failure of this image is reported as is.
                    return ValidationOutcome.Invalid(checkedImage.Error);
                }

                totalBytes += checkedImage.Bytes;
                if (totalBytes > limits.MaxTotalMediaBytes)
                {
                    return ValidationOutcome.Invalid(ValidationErrors.TotalMediaTooLarge(limits.MaxTotalMediaBytes, image.Path));
                }

                reports.Add(ToReport(image, checkedImage));
            }

            var outcome = downloads is null
                ? ValidationOutcome.Valid(Report(request, model, reports))
                : ValidationOutcome.Valid(Report(request, model, reports), downloads, kept!);
            kept = null;
            return outcome;
        }
        finally
        {
            // The body must stay unread by anyone once this returns.
            if (ahead is not null)
            {
                await ((Task)ahead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            // Kept downloads of a request that failed (or threw) go back to their pool here.
            foreach (var result in kept ?? [])
            {
                result.Dispose();
            }
        }
    }

    private static async Task<ImageCheckResult> CheckBase64Async(ImageReference image, PendingBase64Scan pending, ImageCheckOptions options)
    {
        var scan = await pending.GetAsync().ConfigureAwait(false);
        return ImageContentChecker.CheckBase64(image.Base64.Span, scan, image.DeclaredMediaType, options, image.Path);
    }

    /// <summary>
    /// Checks a URL image's download. With <paramref name="downloads"/>, the bytes of a valid image stay alive (its
    /// fetch result is added to <paramref name="kept"/>); otherwise they go back to the pool at once.
    /// </summary>
    private static async Task<ImageCheckResult> CheckUrlImageAsync(
        ImageReference image, PendingFetches fetches, ImageCheckOptions options, List<DownloadedImage>? downloads, List<IDisposable>? kept)
    {
        var fetch = fetches.Take(image.Index);
        if (fetch is null)
        {
            return ImageCheckResult.Invalid(SchemeError(image));
        }

        var result = await fetch.ConfigureAwait(false);
        var keep = false;
        try
        {
            if (result.Error is { } error)
            {
                return ImageCheckResult.Invalid(error with { Path = image.Path });
            }

            // Downloads carry no declared type: a Content-Type header is not evidence of what the bytes are.
            var checkedImage = ImageContentChecker.CheckBytes(result.Content.Span, declaredMediaType: null, options, image.Path);
            if (checkedImage.Succeeded && downloads is not null)
            {
                downloads.Add(new DownloadedImage(image.Index, image.BodyRange, checkedImage.Info!.MediaType, result.Content));
                kept!.Add(result);
                keep = true;
            }

            return checkedImage;
        }
        finally
        {
            if (!keep)
            {
                result.Dispose();
            }
        }
    }

    private static ValidationError SchemeError(ImageReference image)
    {
        var scheme = ExplicitScheme(image.Url);
        return scheme is null || IsHttp(scheme)
            ? ValidationErrors.NotAnAbsoluteUrl(image.Path)
            : ValidationErrors.UnsupportedUrlScheme(scheme.ToLowerInvariant(), path: image.Path);
    }

    /// <summary>
    /// An http(s) URL as written. The scheme is read from the text itself (RFC 3986 <c>scheme ":"</c>), because
    /// <see cref="Uri"/> on Unix reads <c>/etc/passwd</c> and <c>//host/x</c> as file URIs the client never wrote.
    /// </summary>
    internal static Uri? ToFetchableUri(string? url) =>
        ExplicitScheme(url) is { } scheme && IsHttp(scheme)
            && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : null;

    private static string? ExplicitScheme(string? url)
    {
        if (string.IsNullOrEmpty(url) || !char.IsAsciiLetter(url[0]))
        {
            return null;
        }

        for (var index = 1; index < url.Length; index++)
        {
            var character = url[index];
            if (character == ':')
            {
                return url[..index];
            }

            if (!char.IsAsciiLetterOrDigit(character) && character is not ('+' or '-' or '.'))
            {
                return null;
            }
        }

        return null;
    }

    private static bool IsHttp(string scheme) =>
        scheme.Equals(Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) || scheme.Equals(Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);

    private static ImageReport ToReport(ImageReference image, ImageCheckResult result) => new()
    {
        Index = image.Index,
        Path = image.Path,
        Source = image.Source,
        MediaType = result.Info!.MediaType,
        Bytes = result.Bytes,
        Width = result.Info.Width,
        Height = result.Info.Height,
        Animated = result.Info.IsAnimated,
        Frames = result.Info.FrameCount,
        Detail = image.Detail,
        EstimatedTokens = KimiVisionTokenEstimator.EstimateTokens(result.Info.Width, result.Info.Height),
    };

    private static ValidationReport Report(ParsedRequest request, ModelDefinition? model, IReadOnlyList<ImageReport> images) => new()
    {
        Surface = request.Surface,
        Model = request.Model,
        ModelKnown = model is not null,
        Stream = request.Stream,
        Images = images,
    };

    /// <summary>
    /// Every fetchable URL of the request, started at once. Disposing cancels what is still running, waits for it to
    /// end, and returns the buffers of results nobody took.
    /// </summary>
    private sealed class PendingFetches : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancellation;
        private readonly Dictionary<int, Task<FetchResult>> _fetches = [];

        public PendingFetches(ImageFetcher fetcher, IReadOnlyList<ImageReference> images, long maxImageBytes, CancellationToken cancellationToken)
        {
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            foreach (var image in images)
            {
                if (image.Source == ImageSourceKind.Url && ToFetchableUri(image.Url) is { } uri)
                {
                    _fetches[image.Index] = fetcher.FetchAsync(uri, maxImageBytes, _cancellation.Token);
                }
            }
        }

        /// <summary>Hands over the fetch of the image at <paramref name="index"/>, or null when its URL was not fetchable.</summary>
        public Task<FetchResult>? Take(int index) =>
            _fetches.Remove(index, out var fetch) ? fetch : null;

        public async ValueTask DisposeAsync()
        {
            await _cancellation.CancelAsync().ConfigureAwait(false);
            try
            {
                // Cancelled fetches end promptly; their exceptions are the cancellation we asked for.
                await ((Task)Task.WhenAll(_fetches.Values)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                foreach (var fetch in _fetches.Values)
                {
                    if (fetch.IsCompletedSuccessfully)
                    {
                        fetch.Result.Dispose();
                    }
                }
            }
            finally
            {
                _cancellation.Dispose();
            }
        }
    }
}
