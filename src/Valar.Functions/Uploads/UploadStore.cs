using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace Valar.Functions.Uploads;

/// <summary>
/// The three containers of the upload flow on <see cref="BlobServiceClient"/>: upload blobs, kept images and the
/// per-upload record, plus the two kinds of signed URL (<see cref="BlobSasBuilder"/>: a service SAS where the client
/// holds the account key, else a user-delegation SAS). Storage failures surface as the SDK's
/// <see cref="RequestFailedException"/>; only the status and error codes each call expects are turned into values.
/// </summary>
public sealed class UploadStore
{
    /// <summary>Records are a few hundred bytes; anything larger is not ours.</summary>
    internal const long MaxRecordBytes = 1024 * 1024;

    private const string RecordContentType = "application/json";

    private readonly BlobServiceClient _service;
    private readonly UploadOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private UserDelegationKey? _delegationKey;

    public UploadStore(BlobServiceClient service, UploadOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        _service = service;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Uploads = service.GetBlobContainerClient(options.UploadContainer);
        Images = service.GetBlobContainerClient(options.ImageContainer);
        Verdicts = service.GetBlobContainerClient(options.VerdictContainer);
    }

    public UploadOptions Options => _options;

    public BlobContainerClient Uploads { get; }

    public BlobContainerClient Images { get; }

    public BlobContainerClient Verdicts { get; }

    public async Task CreateContainersAsync(CancellationToken cancellationToken = default)
    {
        await Uploads.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Images.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Verdicts.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Create-only (If-None-Match <c>*</c>); false when a record with this id exists already.</summary>
    public async Task<bool> TryCreateRecordAsync(UploadRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        return await TryUploadAsync(Verdicts.GetBlobClient(RecordName(record.Id)), Serialize(record), RecordContentType, conditions, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The record and its version, or null when no upload with this id was ever issued.</summary>
    public async Task<(UploadRecord Record, ETag ETag)?> GetRecordAsync(string id, CancellationToken cancellationToken = default)
    {
        var download = await ReadAsync(Verdicts.GetBlobClient(RecordName(id)), MaxRecordBytes, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            return null;
        }

        if (download.ExceedsLimit)
        {
            throw new InvalidDataException($"Upload record {id} is larger than 1 MiB.");
        }

        var record = JsonSerializer.Deserialize(download.Content.Span, UploadJsonContext.Default.UploadRecord)
            ?? throw new InvalidDataException($"Upload record {id} is null.");
        return (record, download.ETag);
    }

    /// <summary>Replaces the record only if it is still the version read (If-Match); false when another writer got there first.</summary>
    public async Task<bool> TryReplaceRecordAsync(UploadRecord record, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var conditions = new BlobRequestConditions { IfMatch = ifMatch };
        return await TryUploadAsync(Verdicts.GetBlobClient(RecordName(record.Id)), Serialize(record), RecordContentType, conditions, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Create-only, so the first validated bytes are the ones read URLs serve; false when the image exists.</summary>
    public Task<bool> TryCreateImageAsync(string id, ReadOnlyMemory<byte> content, string mediaType, string sha256, CancellationToken cancellationToken = default) =>
        TryUploadAsync(
            Images.GetBlobClient(id),
            BinaryData.FromBytes(content),
            mediaType,
            new BlobRequestConditions { IfNoneMatch = ETag.All },
            new Dictionary<string, string> { ["sha256"] = sha256 },
            cancellationToken);

    /// <summary>The kept image (at most <paramref name="maxBytes"/> + 1 bytes), or null when there is none.</summary>
    public Task<BlobContent?> GetImageAsync(string id, long maxBytes, CancellationToken cancellationToken = default) =>
        ReadAsync(Images.GetBlobClient(id), maxBytes, cancellationToken);

    /// <summary>Deletes the upload blob; true when this call deleted it, false when it was gone already.</summary>
    public async Task<bool> DeleteUploadAsync(BlobClient upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var response = await upload.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions: null, cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    public async Task<bool> DeleteImageAsync(string id, CancellationToken cancellationToken = default)
    {
        var response = await Images.GetBlobClient(id).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions: null, cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    /// <summary>
    /// Reads one blob, at most <paramref name="maxBytes"/> + 1 bytes (one ranged GET), so a blob just over a limit is
    /// reported as such without reading the rest. Null when the blob does not exist (404 <c>BlobNotFound</c>).
    /// </summary>
    public static async Task<BlobContent?> ReadAsync(BlobClient blob, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        BlobDownloadStreamingResult result;
        try
        {
            var options = new BlobDownloadOptions { Range = new HttpRange(0, maxBytes + 1) };
            result = (await blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
        catch (RequestFailedException exception) when (exception.Status == 416)
        {
            // A range on an empty blob is 416 InvalidRange: the blob exists and has no bytes.
            var properties = (await blob.GetPropertiesAsync(conditions: null, cancellationToken).ConfigureAwait(false)).Value;
            return new BlobContent(ReadOnlyMemory<byte>.Empty, ExceedsLimit: false, properties.ContentType, properties.ETag);
        }

        using (result)
        {
            var capacity = (int)Math.Min(maxBytes + 1, result.Details.ContentLength >= 0 ? result.Details.ContentLength : maxBytes + 1);
            var buffer = new byte[capacity];
            var read = 0;
            while (read < buffer.Length)
            {
                var count = await result.Content.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }

            var exceeds = read > maxBytes;
            return new BlobContent(exceeds ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, read), exceeds, result.Details.ContentType, result.Details.ETag);
        }
    }

    /// <summary>Create/write on <c>uploads/&lt;id&gt;</c> only, for <see cref="UploadOptions.UploadUrlMinutes"/>.</summary>
    public ValueTask<SignedUrl> SignUploadAsync(string id, CancellationToken cancellationToken = default) =>
        SignAsync(Uploads.GetBlobClient(id), BlobSasPermissions.Create | BlobSasPermissions.Write, TimeSpan.FromMinutes(_options.UploadUrlMinutes), cancellationToken);

    /// <summary>Read on <c>images/&lt;id&gt;</c> only, for <see cref="UploadOptions.ReadUrlMinutes"/>.</summary>
    public ValueTask<SignedUrl> SignReadAsync(string id, CancellationToken cancellationToken = default) =>
        SignAsync(Images.GetBlobClient(id), BlobSasPermissions.Read, TimeSpan.FromMinutes(_options.ReadUrlMinutes), cancellationToken);

    public static string RecordName(string id) => $"{id}.json";

    /// <summary>
    /// Storage did not answer usefully: a <see cref="RequestFailedException"/> (an error status, or status 0 for a
    /// connection failure), or the SDK's <see cref="AggregateException"/> once its retries on network errors and
    /// timeouts are spent.
    /// </summary>
    public static bool IsStorageFailure(Exception exception) =>
        exception is RequestFailedException
        || (exception is AggregateException aggregate && aggregate.InnerExceptions.All(static inner => inner is RequestFailedException or OperationCanceledException or IOException or HttpRequestException));

    private async ValueTask<SignedUrl> SignAsync(BlobClient blob, BlobSasPermissions permissions, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var expiresOn = now + lifetime;
        var builder = new BlobSasBuilder(permissions, expiresOn)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            // Azurite is plain http; every other endpoint (and every token-credential one) signs https only.
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttp ? SasProtocol.HttpsAndHttp : SasProtocol.Https,
        };
        if (blob.CanGenerateSasUri)
        {
            return new SignedUrl(blob.GenerateSasUri(builder), expiresOn);
        }

        var key = await GetDelegationKeyAsync(now, lifetime, cancellationToken).ConfigureAwait(false);
        var uri = new BlobUriBuilder(blob.Uri) { Sas = builder.ToSasQueryParameters(key, _service.AccountName) };
        return new SignedUrl(uri.ToUri(), expiresOn);
    }

    /// <summary>One user-delegation key an hour, fetched again when it would expire before a URL signed with it.</summary>
    private async ValueTask<UserDelegationKey> GetDelegationKeyAsync(DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (_delegationKey is { } cached && cached.SignedExpiresOn > now + lifetime + TimeSpan.FromMinutes(5))
        {
            return cached;
        }

        await _keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_delegationKey is { } again && again.SignedExpiresOn > now + lifetime + TimeSpan.FromMinutes(5))
            {
                return again;
            }

            var expires = now + TimeSpan.FromHours(1) + lifetime;
            var key = (await _service.GetUserDelegationKeyAsync(now.AddMinutes(-5), expires, cancellationToken).ConfigureAwait(false)).Value;
            _delegationKey = key;
            return key;
        }
        finally
        {
            _keyLock.Release();
        }
    }

    /// <summary>A conditional Put Blob; false when the condition did not hold (409 <c>BlobAlreadyExists</c>, 412 <c>ConditionNotMet</c>).</summary>
    private static async Task<bool> TryUploadAsync(BlobClient blob, BinaryData content, string contentType, BlobRequestConditions conditions, IDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        try
        {
            var options = new BlobUploadOptions
            {
                Conditions = conditions,
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = metadata,
            };
            await blob.UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.BlobAlreadyExists || exception.ErrorCode == BlobErrorCode.ConditionNotMet)
        {
            return false;
        }
    }

    private static BinaryData Serialize(UploadRecord record) =>
        BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(record, UploadJsonContext.Default.UploadRecord));
}

/// <summary>What <see cref="UploadStore.ReadAsync"/> read: the bytes (empty when over the limit), the Content-Type and the version.</summary>
public sealed record BlobContent(ReadOnlyMemory<byte> Content, bool ExceedsLimit, string? ContentType, ETag ETag);

/// <summary>A signed URL and the moment it stops working.</summary>
public sealed record SignedUrl(Uri Uri, DateTimeOffset ExpiresOn);
