using Azure;

namespace Valar.Storage;

/// <summary>The blob's new version after a put or a metadata write: pass <see cref="ETag"/> as If-Match to update it safely.</summary>
public sealed record BlobWriteResult(ETag ETag, DateTimeOffset? LastModified);
