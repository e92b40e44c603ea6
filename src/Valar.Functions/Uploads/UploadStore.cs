using System.Text.Json;
using Azure;
using Valar.Storage;

namespace Valar.Functions.Uploads;

/// <summary>
/// The three containers of the upload flow on top of <see cref="BlobStore"/>: upload blobs, kept images and the
/// per-upload record, plus the two kinds of signed URL. Storage failures surface as <see cref="StorageRequestException"/>.
/// </summary>
public sealed class UploadStore
{
    private const string RecordContentType = "application/json";

    private readonly BlobStore _blobs;
    private readonly UploadOptions _options;
    private readonly BlobSasSigner _uploadSigner;
    private readonly BlobSasSigner _readSigner;

    public UploadStore(BlobStore blobs, UploadOptions options, TimeProvider? timeProvider = null)
    {
        _blobs = blobs;
        _options = options;
        // Azurite is plain http; anything else (and every token-credential endpoint) signs https only.
        var allowHttp = blobs.Connection.BlobEndpoint.Scheme == Uri.UriSchemeHttp;
        _uploadSigner = new BlobSasSigner(blobs, new SasOptions { Lifetime = TimeSpan.FromMinutes(options.UploadUrlMinutes), AllowHttp = allowHttp }, timeProvider);
        _readSigner = new BlobSasSigner(blobs, new SasOptions { Lifetime = TimeSpan.FromMinutes(options.ReadUrlMinutes), AllowHttp = allowHttp }, timeProvider);
    }

    public UploadOptions Options => _options;

    public BlobStore Blobs => _blobs;

    public async Task CreateContainersAsync(CancellationToken cancellationToken = default)
    {
        await _blobs.CreateContainerIfNotExistsAsync(_options.UploadContainer, cancellationToken).ConfigureAwait(false);
        await _blobs.CreateContainerIfNotExistsAsync(_options.ImageContainer, cancellationToken).ConfigureAwait(false);
        await _blobs.CreateContainerIfNotExistsAsync(_options.VerdictContainer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Create-only; false when a record with this id exists already.</summary>
    public async Task<bool> TryCreateRecordAsync(UploadRecord record, CancellationToken cancellationToken = default)
    {
        try
        {
            await _blobs.PutBlobAsync(_options.VerdictContainer, RecordName(record.Id), Serialize(record), new PutBlobOptions { ContentType = RecordContentType, CreateOnly = true }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException exception) when (exception.IsConflict || exception.IsPreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>The record and its version, or null when no upload with this id was ever issued.</summary>
    public async Task<(UploadRecord Record, ETag ETag)?> GetRecordAsync(string id, CancellationToken cancellationToken = default)
    {
        BlobDownload download;
        try
        {
            download = await _blobs.GetBlobAsync(_options.VerdictContainer, RecordName(id), 1024 * 1024, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException exception) when (exception.IsNotFound)
        {
            return null;
        }

        if (download.ExceedsLimit)
        {
            throw new InvalidDataException($"Upload record {id} is larger than 1 MiB.");
        }

        var record = JsonSerializer.Deserialize(download.Content.Span, UploadJsonContext.Default.UploadRecord)
            ?? throw new InvalidDataException($"Upload record {id} is null.");
        return (record, download.Properties.ETag);
    }

    /// <summary>Replaces the record only if it is still the version read; false when another writer got there first.</summary>
    public async Task<bool> TryReplaceRecordAsync(UploadRecord record, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        try
        {
            await _blobs.PutBlobAsync(_options.VerdictContainer, RecordName(record.Id), Serialize(record), new PutBlobOptions { ContentType = RecordContentType, IfMatch = ifMatch }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException exception) when (exception.IsPreconditionFailed || exception.IsConflict)
        {
            return false;
        }
    }

    /// <summary>Create-only, so the first validated bytes are the ones read URLs serve; false when the image exists.</summary>
    public async Task<bool> TryCreateImageAsync(string id, ReadOnlyMemory<byte> content, string mediaType, string sha256, CancellationToken cancellationToken = default)
    {
        try
        {
            await _blobs.PutBlobAsync(
                _options.ImageContainer,
                id,
                content,
                new PutBlobOptions { ContentType = mediaType, CreateOnly = true, Metadata = new Dictionary<string, string> { ["sha256"] = sha256 } },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestException exception) when (exception.IsConflict || exception.IsPreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>The kept image, or null when there is none.</summary>
    public async Task<BlobDownload?> GetImageAsync(string id, long maxBytes, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _blobs.GetBlobAsync(_options.ImageContainer, id, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException exception) when (exception.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>The uploaded blob, read up to <paramref name="maxBytes"/>; null when it is gone.</summary>
    public async Task<BlobDownload?> GetUploadAsync(string name, long maxBytes, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _blobs.GetBlobAsync(_options.UploadContainer, name, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException exception) when (exception.IsNotFound)
        {
            return null;
        }
    }

    public Task<bool> DeleteUploadAsync(string id, CancellationToken cancellationToken = default) =>
        _blobs.DeleteBlobAsync(_options.UploadContainer, id, ignoreNotFound: true, cancellationToken: cancellationToken);

    public Task<bool> DeleteImageAsync(string id, CancellationToken cancellationToken = default) =>
        _blobs.DeleteBlobAsync(_options.ImageContainer, id, ignoreNotFound: true, cancellationToken: cancellationToken);

    public IAsyncEnumerable<BlobProperties> ListUploadsAsync(CancellationToken cancellationToken = default) =>
        _blobs.ListAllBlobsAsync(_options.UploadContainer, cancellationToken: cancellationToken);

    /// <summary>Create/write on <c>uploads/&lt;id&gt;</c> only, for <see cref="UploadOptions.UploadUrlMinutes"/>.</summary>
    public ValueTask<SignedBlobUri> SignUploadAsync(string id, CancellationToken cancellationToken = default) =>
        _uploadSigner.SignAsync(_options.UploadContainer, id, BlobSasPermissions.Upload, cancellationToken);

    /// <summary>Read on <c>images/&lt;id&gt;</c> only, for <see cref="UploadOptions.ReadUrlMinutes"/>.</summary>
    public ValueTask<SignedBlobUri> SignReadAsync(string id, CancellationToken cancellationToken = default) =>
        _readSigner.SignAsync(_options.ImageContainer, id, BlobSasPermissions.Read, cancellationToken);

    public static string RecordName(string id) => $"{id}.json";

    private static byte[] Serialize(UploadRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, UploadJsonContext.Default.UploadRecord);
}
