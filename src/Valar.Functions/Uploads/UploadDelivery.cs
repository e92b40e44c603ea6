namespace Valar.Functions.Uploads;

/// <summary>
/// One delivery of an uploaded blob to the validator, as the blob trigger read it (at most the per-image limit + 1 bytes).
/// </summary>
/// <param name="Id">The blob name in the upload container, i.e. the upload id.</param>
/// <param name="Content">The bytes as delivered (empty when <paramref name="ExceedsLimit"/>).</param>
/// <param name="ExceedsLimit">The blob was too large to be read in full; it is rejected by size without its bytes.</param>
/// <param name="ContentType">The Content-Type the client uploaded with.</param>
/// <param name="SourceETag">The upload blob's ETag, when the delivery carries it.</param>
public sealed record UploadDelivery(string Id, ReadOnlyMemory<byte> Content, bool ExceedsLimit, string? ContentType, string? SourceETag);

/// <summary>What a delivery did.</summary>
public enum UploadDisposition
{
    /// <summary>This delivery wrote the verdict.</summary>
    Decided,

    /// <summary>A verdict existed already (duplicate or concurrent delivery); only the idempotent clean-up ran.</summary>
    AlreadyDecided,

    /// <summary>No upload with this id was ever issued; nothing was touched.</summary>
    Unknown,

    /// <summary>The blob was gone before any verdict (deleted by its owner); the record stays pending, nothing was touched.</summary>
    Vanished,
}

public sealed record UploadOutcome(UploadDisposition Disposition, UploadRecord? Record);
