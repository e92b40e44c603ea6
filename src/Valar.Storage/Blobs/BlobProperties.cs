using Azure;

namespace Valar.Storage;

/// <summary>What a HEAD, GET or list returns about a blob. Metadata names compare case-insensitively.</summary>
public sealed record BlobProperties
{
    public required string Name { get; init; }

    public string? ContentType { get; init; }

    public long ContentLength { get; init; }

    public ETag ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    internal static readonly IReadOnlyDictionary<string, string> EmptyMetadata =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
