namespace Valar.Storage;

/// <summary>One page of List Blobs; pass <see cref="NextMarker"/> back to get the next one (null when done).</summary>
public sealed record BlobListPage(IReadOnlyList<BlobProperties> Blobs, string? NextMarker);
