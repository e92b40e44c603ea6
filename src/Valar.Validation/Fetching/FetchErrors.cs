using System.Globalization;
using System.Net;

namespace Valar.Validation.Fetching;

/// <summary>The exact client-facing messages of checks 3 to 6 for URLs.</summary>
internal static class FetchErrors
{
    public static ValidationError UnsupportedScheme(string scheme, bool inRedirect) => new(
        ValidationErrorCode.UnsupportedUrlScheme,
        $"unsupported URL scheme '{scheme}'{(inRedirect ? " in redirect" : string.Empty)}: only http and https URLs are allowed");

    public static ValidationError BlockedAddress(IPAddress address) => new(
        ValidationErrorCode.Blocked,
        $"blocked: {address} is not a public address");

    public static ValidationError BlockedName(string host, IPAddress address) => new(
        ValidationErrorCode.Blocked,
        $"blocked: {host} resolves to {address}, which is not a public address");

    public static ValidationError CouldNotResolve(string host) => DownloadFailed($"could not resolve host '{host}'");

    public static ValidationError HttpStatus(int statusCode) =>
        DownloadFailed(string.Create(CultureInfo.InvariantCulture, $"HTTP {statusCode}"));

    public static ValidationError MissingLocation(int statusCode) =>
        DownloadFailed(string.Create(CultureInfo.InvariantCulture, $"HTTP {statusCode} without a valid Location header"));

    public static ValidationError TooManyRedirects(int maxRedirects) =>
        DownloadFailed(string.Create(CultureInfo.InvariantCulture, $"too many redirects (maximum {maxRedirects})"));

    public static ValidationError TimedOut(TimeSpan timeout) =>
        DownloadFailed($"timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");

    public static ValidationError ConnectionFailed(string reason) => DownloadFailed($"connection failed ({reason})");

    public static ValidationError BodyIncomplete() =>
        DownloadFailed("connection closed before the whole body was received");

    public static ValidationError TooLarge(long maxBytes) => new(
        ValidationErrorCode.ImageTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"image too large: exceeds maximum of {maxBytes} bytes"));

    public static ValidationError DownloadFailed(string detail) => new(
        ValidationErrorCode.DownloadFailed,
        $"failed to download image: {detail}");
}
