using Valar.Validation;

namespace Valar.Functions.Diagnostics;

/// <summary>
/// Every log line of the HTTP surface, with its event id. Messages carry codes, paths and counts: never image
/// bytes, data URIs, URLs (which may hold SAS signatures) or keys.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Validated {Surface} request for model {Model}: {ImageCount} images, {TotalBytes} bytes in {ElapsedMs} ms")]
    public static partial void RequestValidated(ILogger logger, string surface, string model, int imageCount, long totalBytes, long elapsedMs);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Refused {Surface} request: {Code} at {Path} in {ElapsedMs} ms")]
    public static partial void RequestRefused(ILogger logger, string surface, ValidationErrorCode code, string? path, long elapsedMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Turned away a {Surface} request of {ContentLength} bytes: the body memory budget stayed full")]
    public static partial void BudgetExhausted(ILogger logger, string surface, long? contentLength);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string path);
}
