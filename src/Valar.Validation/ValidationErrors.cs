using System.Globalization;
using System.Net;
using Valar.Validation.Images;

namespace Valar.Validation;

/// <summary>
/// Every refusal the core can give, built in one place: its code, its exact client-facing message and where it was.
/// The messages of the eight image checks follow the providers' published wording byte for byte; the others quote the
/// bad value and the JSON path of the field.
/// </summary>
public static class ValidationErrors
{
    /// <summary>The body is not JSON; <paramref name="reason"/> says where the reader stopped.</summary>
    public static ValidationError MalformedJson(string reason) =>
        new(ValidationErrorCode.MalformedJson, $"request body is not valid JSON: {reason}");

    /// <summary>The field at <paramref name="path"/> is missing or has the wrong shape.</summary>
    public static ValidationError InvalidRequest(string path, string reason) =>
        new(ValidationErrorCode.InvalidRequest, $"{path}: {reason}", path);

    /// <summary>The body is longer than the endpoint accepts.</summary>
    public static ValidationError BodyTooLarge(long maximum) =>
        new(ValidationErrorCode.BodyTooLarge, Invariant($"request body too large: exceeds maximum of {maximum} bytes"));

    /// <summary>Check 1.</summary>
    public static ValidationError ModelDoesNotSupportImages(string model) =>
        new(ValidationErrorCode.ModelDoesNotSupportImages, $"model '{model}' does not support image input", "model");

    /// <summary>Check 2.</summary>
    public static ValidationError TooManyImages(int maximum) =>
        new(ValidationErrorCode.TooManyImages, Invariant($"too many images: maximum {maximum} images per request"));

    /// <summary>Check 3: a URL, or a redirect's Location, names a scheme other than http and https.</summary>
    public static ValidationError UnsupportedUrlScheme(string scheme, bool inRedirect = false, string? path = null) =>
        new(
            ValidationErrorCode.UnsupportedUrlScheme,
            $"unsupported URL scheme '{scheme}'{(inRedirect ? " in redirect" : string.Empty)}: only http and https URLs are allowed",
            path);

    /// <summary>Check 3: the value names no scheme at all, or is not a URL an http client could use.</summary>
    public static ValidationError NotAnAbsoluteUrl(string path) =>
        new(ValidationErrorCode.UnsupportedUrlScheme, $"unsupported URL scheme: the value at {path} is not a valid absolute http or https URL", path);

    /// <summary>Check 4: the URL's host is a literal address outside the public internet.</summary>
    public static ValidationError BlockedAddress(IPAddress address) =>
        new(ValidationErrorCode.Blocked, $"blocked: {address} is not a public address");

    /// <summary>Check 4: one of the addresses the host resolves to is outside the public internet.</summary>
    public static ValidationError BlockedName(string host, IPAddress address) =>
        new(ValidationErrorCode.Blocked, $"blocked: {host} resolves to {address}, which is not a public address");

    /// <summary>Check 5, before any connection: the name has no address.</summary>
    public static ValidationError CouldNotResolve(string host) => DownloadFailed($"could not resolve host '{host}'");

    /// <summary>Check 5: the server answered something other than 200 or a redirect.</summary>
    public static ValidationError HttpStatus(int statusCode) => DownloadFailed(Invariant($"HTTP {statusCode}"));

    /// <summary>Check 5: a redirect that says nowhere to go.</summary>
    public static ValidationError MissingLocation(int statusCode) =>
        DownloadFailed(Invariant($"HTTP {statusCode} without a valid Location header"));

    /// <summary>Check 5: more redirects than the fetcher follows.</summary>
    public static ValidationError TooManyRedirects(int maxRedirects) =>
        DownloadFailed(Invariant($"too many redirects (maximum {maxRedirects})"));

    /// <summary>Check 5: the whole fetch, across every hop, ran past its deadline.</summary>
    public static ValidationError TimedOut(TimeSpan timeout) =>
        DownloadFailed($"timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");

    /// <summary>Check 5: no connection, or one that broke before a response.</summary>
    public static ValidationError ConnectionFailed(string reason) => DownloadFailed($"connection failed ({reason})");

    /// <summary>Check 5: the server closed the connection before sending the body it announced.</summary>
    public static ValidationError BodyIncomplete() => DownloadFailed("connection closed before the whole body was received");

    /// <summary>Check 5 with a reason the more specific errors above don't cover.</summary>
    public static ValidationError DownloadFailed(string detail) =>
        new(ValidationErrorCode.DownloadFailed, $"failed to download image: {detail}");

    /// <summary>A base64 payload or data URI that does not decode.</summary>
    public static ValidationError InvalidBase64(string? path) =>
        new(ValidationErrorCode.InvalidBase64, path is null ? "invalid base64 data" : $"{path}: invalid base64 data", path);

    /// <summary>Check 6, per image, on decoded bytes (or on the bytes a server sent).</summary>
    public static ValidationError ImageTooLarge(long maximum, string? path = null) =>
        new(ValidationErrorCode.ImageTooLarge, Invariant($"image too large: exceeds maximum of {maximum} bytes"), path);

    /// <summary>Check 6 for the request as a whole; reported on the image that crossed the total.</summary>
    public static ValidationError TotalMediaTooLarge(long maximum, string path) =>
        new(ValidationErrorCode.TotalMediaTooLarge, Invariant($"image too large: the request's images together exceed the maximum of {maximum} bytes"), path);

    /// <summary>Check 7: the bytes are a format the endpoint does not accept.</summary>
    public static ValidationError UnsupportedImageType(string detected, string? path = null) =>
        new(
            ValidationErrorCode.UnsupportedImageType,
            $"unsupported image type {detected}: only {string.Join(", ", ImageInspector.SupportedMediaTypes)} are accepted",
            path);

    /// <summary>Check 7: the bytes start like a supported format, but its structure is broken.</summary>
    public static ValidationError InvalidImage(string problem, string? path = null) =>
        new(ValidationErrorCode.InvalidImage, $"invalid image: {problem}", path);

    /// <summary>Check 7 at decode level: the header promises more pixels than the decode budget; nothing is decoded.</summary>
    /// <param name="width">The width a decoder would allocate (a GIF frame past the logical screen widens it).</param>
    /// <param name="height">The height a decoder would allocate.</param>
    /// <param name="frames">The frames it would decode.</param>
    /// <param name="budget">Most pixels × frames the deployment decodes for one image.</param>
    /// <param name="path">JSON path of the image, or null.</param>
    public static ValidationError PixelBudgetExceeded(int width, int height, int frames, long budget, string? path = null) =>
        new(
            ValidationErrorCode.PixelBudgetExceeded,
            Invariant($"image too large: {width}x{height} with {frames} {(frames == 1 ? "frame" : "frames")} exceeds the decode budget of {budget} pixels"),
            path);

    /// <summary>Policy: more pixels than the model's maximum.</summary>
    public static ValidationError TooManyPixels(ImageInfo info, long maximum, string? path = null) =>
        new(ValidationErrorCode.TooManyPixels, Invariant($"image too large: {info.Width}x{info.Height} exceeds the maximum of {maximum} pixels"), path);

    /// <summary>Policy: a side longer than the model's maximum.</summary>
    public static ValidationError SideTooLong(ImageInfo info, int maximum, string? path = null) =>
        new(ValidationErrorCode.SideTooLong, Invariant($"image too large: {info.Width}x{info.Height} exceeds the maximum side of {maximum} pixels"), path);

    /// <summary>Policy: an animated image for a model that takes still images only.</summary>
    public static ValidationError AnimatedNotAllowed(ImageInfo info, string? path = null) =>
        new(ValidationErrorCode.AnimatedNotAllowed, Invariant($"unsupported image: animated {info.MediaType} with {info.FrameCount} frames is not accepted; send a still image"), path);

    /// <summary>Policy: more frames than the model's maximum.</summary>
    public static ValidationError TooManyFrames(ImageInfo info, int maximum, string? path = null) =>
        new(ValidationErrorCode.TooManyFrames, Invariant($"too many frames: {info.MediaType} with {info.FrameCount} frames exceeds the maximum of {maximum}"), path);

    /// <summary>Check 8.</summary>
    public static ValidationError DeclaredTypeMismatch(string declared, string detected, string? path = null) =>
        new(ValidationErrorCode.DeclaredTypeMismatch, $"declared type {declared} does not match detected type {detected}", path);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
