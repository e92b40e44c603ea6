namespace Valar.Functions.Uploads;

/// <summary>
/// Log lines of the upload flow (event ids 2000-2099). They carry ids, codes and sizes: never SAS query strings,
/// keys or image bytes. An upload id alone grants nothing in Azure (the endpoints need a function key).
/// </summary>
internal static partial class UploadLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Issued upload {Id}, upload URL valid until {ExpiresAt:O}")]
    public static partial void UploadIssued(ILogger logger, string id, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Upload {Id} is valid: {MediaType} {Width}x{Height}, {Bytes} bytes")]
    public static partial void UploadValidated(ILogger logger, string id, string? mediaType, int? width, int? height, long? bytes);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Upload {Id} is rejected: {Code}")]
    public static partial void UploadRejected(ILogger logger, string id, string? code);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Upload {Id} already has its verdict ({Status}); delivery completed the clean-up only")]
    public static partial void UploadAlreadyDecided(ILogger logger, string id, UploadStatus status);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Blob {Name} in the upload container has no upload record: it was not issued by this app; left alone")]
    public static partial void UploadUnknown(ILogger logger, string name);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Blob {Name} in the upload container is not named like an upload id; left alone")]
    public static partial void UploadNameIgnored(ILogger logger, string name);


    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Upload storage failed during {Operation}; answering 503 so the caller retries")]
    public static partial void StorageFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Upload {Id} was gone before any verdict; its record stays pending")]
    public static partial void UploadVanished(ILogger logger, string id);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Upload containers ready: {Uploads}, {Images}, {Verdicts}")]
    public static partial void ContainersReady(ILogger logger, string uploads, string images, string verdicts);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Uploads are disabled: neither AzureWebJobsStorage nor AzureWebJobsStorage__blobServiceUri is set")]
    public static partial void UploadsNotConfigured(ILogger logger);


    [LoggerMessage(EventId = 2014, Level = LogLevel.Error, Message = "Upload containers could not be created at startup; uploads will fail until storage answers")]
    public static partial void ContainersFailed(ILogger logger, Exception exception);
}
