namespace Valar.Storage;

/// <summary>The storage error codes callers branch on (values of <see cref="StorageRequestException.ErrorCode"/>).</summary>
public static class StorageErrorCodes
{
    /// <summary>404: the blob does not exist.</summary>
    public const string BlobNotFound = "BlobNotFound";

    /// <summary>404: the container does not exist.</summary>
    public const string ContainerNotFound = "ContainerNotFound";

    /// <summary>409: a create-only put (<c>If-None-Match: *</c>) found an existing blob.</summary>
    public const string BlobAlreadyExists = "BlobAlreadyExists";

    /// <summary>409: the container exists already.</summary>
    public const string ContainerAlreadyExists = "ContainerAlreadyExists";

    /// <summary>412: an <c>If-Match</c> / <c>If-None-Match</c> condition failed (the blob changed).</summary>
    public const string ConditionNotMet = "ConditionNotMet";

    /// <summary>403: the credential is not allowed to do this.</summary>
    public const string AuthorizationFailure = "AuthorizationFailure";

    /// <summary>403: the signature or token was not accepted.</summary>
    public const string AuthenticationFailed = "AuthenticationFailed";
}
