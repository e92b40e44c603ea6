using System.Buffers;
using System.Buffers.Text;
using Valar.Validation.Images;
using Valar.Validation.Images.Decoding;
using Valar.Validation.Images.Structure;
using Valar.Validation.Payloads;

namespace Valar.Validation;

/// <summary>
/// Checks 6–8 on an image's content — decoded size, detected type and integrity, declared type — then the model's
/// optional image policy, for bytes in hand (a download, an upload) and for base64 text, which is decoded in full into
/// a pooled buffer so that the whole container is walked.
/// </summary>
public static class ImageContentChecker
{
    /// <summary>Checks raw image bytes at the default level (structure) with no policy.</summary>
    /// <param name="content">The whole image.</param>
    /// <param name="declaredMediaType">The type the sender claimed, or null when none was claimed.</param>
    /// <param name="maxImageBytes">The per-image limit.</param>
    /// <param name="path">JSON path for the error, or null.</param>
    public static ImageCheckResult CheckBytes(ReadOnlySpan<byte> content, string? declaredMediaType, long maxImageBytes, string? path = null) =>
        CheckBytes(content, declaredMediaType, Options(maxImageBytes), path);

    /// <summary>Checks raw image bytes with <paramref name="options"/> (integrity level, decode budget, policy).</summary>
    public static ImageCheckResult CheckBytes(ReadOnlySpan<byte> content, string? declaredMediaType, ImageCheckOptions options, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (content.Length > options.MaxImageBytes)
        {
            return ImageCheckResult.Invalid(ValidationErrors.ImageTooLarge(options.MaxImageBytes, path), content.Length);
        }

        return CheckContent(content, declaredMediaType, options, path);
    }

    /// <summary>Checks base64 text at the default level (structure) with no policy.</summary>
    public static ImageCheckResult CheckBase64(ReadOnlySpan<byte> base64Utf8, string? declaredMediaType, long maxImageBytes, string? path = null) =>
        CheckBase64(base64Utf8, Base64Scanner.Scan(base64Utf8), declaredMediaType, Options(maxImageBytes), path);

    /// <summary>
    /// Checks base64 text with <paramref name="options"/>. Well-formedness is one vectorized scan (<see cref="Base64Scanner"/>),
    /// the decoded size follows from length and padding, and the image is decoded into a pooled buffer no larger than
    /// the per-image limit.
    /// </summary>
    public static ImageCheckResult CheckBase64(ReadOnlySpan<byte> base64Utf8, string? declaredMediaType, ImageCheckOptions options, string? path = null) =>
        CheckBase64(base64Utf8, Base64Scanner.Scan(base64Utf8), declaredMediaType, options, path);

    /// <summary>
    /// Checks base64 text whose well-formedness and decoded length <paramref name="scan"/> already found (the parser
    /// scans each payload right after the JSON reader has passed over it, while it is still in cache).
    /// </summary>
    internal static ImageCheckResult CheckBase64(ReadOnlySpan<byte> base64Utf8, Base64Scan scan, string? declaredMediaType, ImageCheckOptions options, string? path)
    {
        ArgumentNullException.ThrowIfNull(options);
        var decodedLength = scan.DecodedLength;
        if (!scan.IsValid)
        {
            return ImageCheckResult.Invalid(ValidationErrors.InvalidBase64(path));
        }

        if (decodedLength > options.MaxImageBytes)
        {
            return ImageCheckResult.Invalid(ValidationErrors.ImageTooLarge(options.MaxImageBytes, path), decodedLength);
        }

        // The scan bounds the decoded length by the per-image limit, so the rented buffer is too.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(decodedLength, 1));
        try
        {
            Base64.DecodeFromUtf8(base64Utf8, buffer, out _, out var written);
            var result = CheckContent(buffer.AsSpan(0, written), declaredMediaType, options, path);
            return result.Succeeded ? ImageCheckResult.Valid(result.Info, decodedLength) : ImageCheckResult.Invalid(result.Error, decodedLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ImageCheckOptions Options(long maxImageBytes) =>
        maxImageBytes == ImageCheckOptions.Default.MaxImageBytes ? ImageCheckOptions.Default : new ImageCheckOptions { MaxImageBytes = maxImageBytes };

    /// <summary>Checks 7 (type, then integrity at the configured level), 8 (declared type), then the policy.</summary>
    private static ImageCheckResult CheckContent(ReadOnlySpan<byte> content, string? declaredMediaType, ImageCheckOptions options, string? path)
    {
        long bytes = content.Length;
        var inspection = ImageInspector.Inspect(content, isComplete: true);
        switch (inspection.Status)
        {
            case InspectionStatus.Recognized:
                break;
            case InspectionStatus.Unsupported:
                return ImageCheckResult.Invalid(ValidationErrors.UnsupportedImageType(inspection.DetectedMediaType, path), bytes);
            default:
                var problem = inspection.Problem ?? $"truncated {inspection.DetectedMediaType} header";
                return ImageCheckResult.Invalid(ValidationErrors.InvalidImage(problem, path), bytes);
        }

        var walk = ImageStructure.Walk(content, inspection.Info!);
        if (walk.Problem is not null)
        {
            return ImageCheckResult.Invalid(ValidationErrors.InvalidImage(walk.Problem, path), bytes);
        }

        var info = walk.Info!;
        if (options.Integrity == ImageIntegrity.Decode)
        {
            var pixels = (long)walk.DecodeWidth * walk.DecodeHeight * info.FrameCount;
            if (pixels > options.MaxDecodePixels)
            {
                return ImageCheckResult.Invalid(
                    ValidationErrors.PixelBudgetExceeded(walk.DecodeWidth, walk.DecodeHeight, info.FrameCount, options.MaxDecodePixels, path), bytes);
            }

            if (!walk.DecoderDisagrees && SkiaImageDecoder.Decode(content, info) is { } decodeProblem)
            {
                return ImageCheckResult.Invalid(ValidationErrors.InvalidImage(decodeProblem, path), bytes);
            }
        }

        if (declaredMediaType is not null)
        {
            var normalized = ImageInspector.NormalizeMediaType(declaredMediaType);
            if (normalized is not null && normalized != info.MediaType)
            {
                return ImageCheckResult.Invalid(ValidationErrors.DeclaredTypeMismatch(declaredMediaType.Trim(), info.MediaType, path), bytes);
            }
        }

        if (PolicyError(info, options.Policy, path) is { } policyError)
        {
            return ImageCheckResult.Invalid(policyError, bytes);
        }

        return ImageCheckResult.Valid(info, bytes);
    }

    private static ValidationError? PolicyError(ImageInfo info, ImagePolicy policy, string? path)
    {
        if (policy.IsEmpty)
        {
            return null;
        }

        if (policy.MaxSide is { } maxSide && Math.Max(info.Width, info.Height) > maxSide)
        {
            return ValidationErrors.SideTooLong(info, maxSide, path);
        }

        if (policy.MaxPixels is { } maxPixels && (long)info.Width * info.Height > maxPixels)
        {
            return ValidationErrors.TooManyPixels(info, maxPixels, path);
        }

        if (!policy.AllowAnimated && info.IsAnimated)
        {
            return ValidationErrors.AnimatedNotAllowed(info, path);
        }

        return policy.MaxFrames is { } maxFrames && info.FrameCount > maxFrames ? ValidationErrors.TooManyFrames(info, maxFrames, path) : null;
    }
}
