using System.Buffers;
using System.Buffers.Text;
using Valar.Validation.Images;
using Valar.Validation.Payloads;

namespace Valar.Validation;

/// <summary>
/// Checks 6–8 on an image's content — decoded size, detected type, declared type — for bytes in hand
/// (a download, an upload) and for base64 text, which is never decoded beyond the header the type needs.
/// </summary>
public static class ImageContentChecker
{
    /// <summary>Decoded bytes looked at first; enough for every header except a JPEG with large metadata.</summary>
    private const int InitialHeaderBytes = 4096;

    /// <summary>Checks raw image bytes.</summary>
    /// <param name="content">The whole image.</param>
    /// <param name="declaredMediaType">The type the sender claimed, or null when none was claimed.</param>
    /// <param name="maxImageBytes">The per-image limit.</param>
    /// <param name="path">JSON path for the error, or null.</param>
    public static ImageCheckResult CheckBytes(ReadOnlySpan<byte> content, string? declaredMediaType, long maxImageBytes, string? path = null)
    {
        if (content.Length > maxImageBytes)
        {
            return ImageCheckResult.Invalid(ValidationErrors.ImageTooLarge(maxImageBytes, path), content.Length);
        }

        return Classify(ImageInspector.Inspect(content, isComplete: true), content.Length, declaredMediaType, path);
    }

    /// <summary>
    /// Checks base64 text. Well-formedness is one vectorized scan (<see cref="Base64Scanner"/>), the decoded size follows from length and padding,
    /// and only the header prefix is decoded, into a pooled buffer.
    /// </summary>
    public static ImageCheckResult CheckBase64(ReadOnlySpan<byte> base64Utf8, string? declaredMediaType, long maxImageBytes, string? path = null) =>
        CheckBase64(base64Utf8, Base64Scanner.Scan(base64Utf8), declaredMediaType, maxImageBytes, path);

    /// <summary>
    /// Checks base64 text whose well-formedness and decoded length <paramref name="scan"/> already found (the parser
    /// scans each payload right after the JSON reader has passed over it, while it is still in cache).
    /// </summary>
    internal static ImageCheckResult CheckBase64(ReadOnlySpan<byte> base64Utf8, Base64Scan scan, string? declaredMediaType, long maxImageBytes, string? path)
    {
        var decodedLength = scan.DecodedLength;
        if (!scan.IsValid)
        {
            return ImageCheckResult.Invalid(ValidationErrors.InvalidBase64(path));
        }

        if (decodedLength > maxImageBytes)
        {
            return ImageCheckResult.Invalid(ValidationErrors.ImageTooLarge(maxImageBytes, path), decodedLength);
        }

        var wanted = Math.Min(decodedLength, InitialHeaderBytes);
        while (true)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(wanted, 1));
            try
            {
                var written = DecodePrefix(base64Utf8, buffer.AsSpan(0, wanted), wholePayload: wanted == decodedLength);
                var isComplete = written == decodedLength;
                var inspection = ImageInspector.Inspect(buffer.AsSpan(0, written), isComplete);
                if (inspection.Status != InspectionStatus.NeedMoreData || isComplete)
                {
                    return Classify(inspection, decodedLength, declaredMediaType, path);
                }

                wanted = (int)Math.Min(decodedLength, Math.Max((long)inspection.MinimumBytesNeeded, (long)wanted * 2));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Decodes the first <c>destination.Length</c> bytes (fewer if the text holds whitespace).</summary>
    private static int DecodePrefix(ReadOnlySpan<byte> base64Utf8, Span<byte> destination, bool wholePayload)
    {
        // Four characters per three bytes. Whitespace, which Base64.IsValid allows, makes a character prefix decode
        // to fewer bytes, so once the whole image is wanted the whole text is decoded: otherwise the loop never completes.
        var characters = wholePayload ? base64Utf8.Length : Math.Min(base64Utf8.Length, Base64.GetMaxEncodedToUtf8Length(destination.Length));
        var isFinalBlock = characters == base64Utf8.Length;
        // DestinationTooSmall is expected here: the last block may decode past the prefix we asked for.
        Base64.DecodeFromUtf8(base64Utf8[..characters], destination, out _, out var written, isFinalBlock);
        return written;
    }

    private static ImageCheckResult Classify(ImageInspection inspection, long bytes, string? declaredMediaType, string? path)
    {
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

        var info = inspection.Info!;
        if (declaredMediaType is not null)
        {
            var normalized = ImageInspector.NormalizeMediaType(declaredMediaType);
            if (normalized is not null && normalized != info.MediaType)
            {
                return ImageCheckResult.Invalid(ValidationErrors.DeclaredTypeMismatch(declaredMediaType.Trim(), info.MediaType, path), bytes);
            }
        }

        return ImageCheckResult.Valid(info, bytes);
    }
}
