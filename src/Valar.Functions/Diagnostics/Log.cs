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

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Forwarded {Surface} request for model {Model}: upstream answered {Status} after {ElapsedMs} ms")]
    public static partial void Forwarded(ILogger logger, string surface, string model, int status, long elapsedMs);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Upstream of model {Model} unreachable for a {Surface} request: {Error}")]
    public static partial void UpstreamUnreachable(ILogger logger, string surface, string model, HttpRequestError error);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Upstream of model {Model} did not answer a {Surface} request within {TimeoutSeconds} s")]
    public static partial void UpstreamTimedOut(ILogger logger, string surface, string model, long timeoutSeconds);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Client went away during a forwarded {Surface} request for model {Model}; the upstream request was cancelled")]
    public static partial void ForwardAbortedByClient(ILogger logger, string surface, string model);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Upstream of model {Model} broke off its answer to a {Surface} request; the client's response was aborted")]
    public static partial void UpstreamBrokeOff(ILogger logger, string surface, string model);
}
