using Valar.Validation.Images;

namespace Valar.Validation;

/// <summary>The client-facing messages of the seeds' error table, filled in. One place, so every path says the same words.</summary>
public static class ErrorMessages
{
    public static string ModelDoesNotSupportImages(string model) => $"model '{model}' does not support image input";

    public static string TooManyImages(int maximum) => $"too many images: maximum {maximum} images per request";

    public static string UnsupportedUrlScheme(string scheme) =>
        $"unsupported URL scheme '{scheme}': only http and https URLs are allowed";

    public static string NotAnAbsoluteUrl(string path) =>
        $"unsupported URL scheme: the value at {path} is not a valid absolute http or https URL";

    public static string ImageTooLarge(long maximum) => $"image too large: exceeds maximum of {maximum} bytes";

    public static string TotalMediaTooLarge(long maximum) =>
        $"image too large: the request's images together exceed the maximum of {maximum} bytes";

    public static string UnsupportedImageType(string detected) =>
        $"unsupported image type {detected}: only {string.Join(", ", ImageInspector.SupportedMediaTypes)} are accepted";

    public static string InvalidImage(string problem) => $"invalid image: {problem}";

    public static string DeclaredTypeMismatch(string declared, string detected) =>
        $"declared type {declared} does not match detected type {detected}";

    public static string InvalidBase64(string? path) =>
        path is null ? "invalid base64 data" : $"{path}: invalid base64 data";
}
