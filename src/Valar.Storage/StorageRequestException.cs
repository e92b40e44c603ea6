using System.Net;

namespace Valar.Storage;

/// <summary>
/// A storage request failed: the service answered with an error status (<see cref="Status"/> and
/// <see cref="ErrorCode"/> from <c>x-ms-error-code</c> or the XML <c>&lt;Code&gt;</c>), or it could not be
/// reached after the retries (<see cref="Status"/> 0). The message names the operation and resource,
/// never keys, signatures or query strings.
/// </summary>
public sealed class StorageRequestException : Exception
{
    public StorageRequestException(string message, int status, string? errorCode, string? requestId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
        RequestId = requestId;
    }

    /// <summary>HTTP status, or 0 when no response arrived (connection failure or timeout).</summary>
    public int Status { get; }

    /// <summary>The storage error code (see <see cref="StorageErrorCodes"/>), when the service gave one.</summary>
    public string? ErrorCode { get; }

    /// <summary>The service's <c>x-ms-request-id</c>, for support cases.</summary>
    public string? RequestId { get; }

    public bool IsNotFound => Status == (int)HttpStatusCode.NotFound;

    public bool IsConflict => Status == (int)HttpStatusCode.Conflict;

    public bool IsPreconditionFailed => Status == (int)HttpStatusCode.PreconditionFailed;
}
