namespace Valar.Storage;

/// <summary>
/// The result of a capped read. When the blob is larger than the cap, <see cref="ExceedsLimit"/> is true,
/// <see cref="Content"/> is empty and the body was not read past the cap.
/// </summary>
public sealed record BlobDownload
{
    public required BlobProperties Properties { get; init; }

    public ReadOnlyMemory<byte> Content { get; init; }

    public bool ExceedsLimit { get; init; }

    /// <summary>The cap the read was made with.</summary>
    public long MaxBytes { get; init; }
}
