using Azure;

namespace Valar.Storage;

/// <summary>Headers and conditions for a Put Blob (always a block blob).</summary>
public sealed record PutBlobOptions
{
    /// <summary>Stored as the blob's Content-Type; <c>application/octet-stream</c> when null.</summary>
    public string? ContentType { get; init; }

    /// <summary>Names must be C# identifiers; values printable ASCII without surrounding spaces.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Create only: sends <c>If-None-Match: *</c>, so an existing blob fails with 409 BlobAlreadyExists.</summary>
    public bool CreateOnly { get; init; }

    /// <summary>Overwrite only that version: sends <c>If-Match</c>, so a changed blob fails with 412 ConditionNotMet.</summary>
    public ETag? IfMatch { get; init; }
}
