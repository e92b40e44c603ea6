using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml.Linq;
using Azure;

namespace Valar.Storage;

/// <summary>
/// A small Blob service REST client (x-ms-version 2021-12-02) for the operations this product needs.
/// Azure.Storage.Blobs does not restore here (DESIGN.md §2). Thread-safe; keep one per connection.
/// Failures surface as <see cref="StorageRequestException"/>.
/// </summary>
public sealed class BlobStore : IDisposable
{
    private const string MetadataPrefix = "x-ms-meta-";
    private const string DefaultContentType = "application/octet-stream";

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly StoragePipeline _pipeline;
    private readonly string _endpoint;

    /// <param name="httpClient">A long-lived client to share; when null the store creates and owns one.</param>
    public BlobStore(
        StorageConnection connection,
        HttpClient? httpClient = null,
        BlobStoreOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        timeProvider ??= TimeProvider.System;
        _ownsHttpClient = httpClient is null;
        _httpClient = httpClient ?? new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            // Per-try deadlines come from BlobStoreOptions.TryTimeout.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        IRequestAuthorizer authorizer = connection.SharedKey is { } key
            ? new SharedKeyAuthorizer(key)
            : new BearerTokenAuthorizer(connection.TokenCredential!, timeProvider);
        _pipeline = new StoragePipeline(_httpClient, authorizer, options ?? new BlobStoreOptions(), timeProvider);
        _endpoint = connection.BlobEndpoint.AbsoluteUri.TrimEnd('/');
    }

    public StorageConnection Connection { get; }

    /// <summary>The blob's URL without any query (what a SAS is appended to).</summary>
    public Uri GetBlobUri(string container, string blob) => BlobUri(_endpoint, container, blob);

    /// <summary>Creates the container (private access). Returns false when it existed already.</summary>
    public async Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        ValidateContainer(container);
        try
        {
            return await _pipeline.SendAsync(
                $"CreateContainer {container}",
                () => new HttpRequestMessage(HttpMethod.Put, $"{_endpoint}/{container}?restype=container"),
                static (_, _) => Task.FromResult(true),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException exception) when (exception.ErrorCode == StorageErrorCodes.ContainerAlreadyExists)
        {
            return false;
        }
    }

    /// <summary>Uploads <paramref name="content"/> as a block blob in one request.</summary>
    public Task<BlobWriteResult> PutBlobAsync(
        string container,
        string blob,
        ReadOnlyMemory<byte> content,
        PutBlobOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new PutBlobOptions();
        var uri = BlobUri(_endpoint, container, blob);
        var contentType = options.ContentType ?? DefaultContentType;
        ValidateMetadata(options.Metadata);
        return _pipeline.SendAsync(
            $"PutBlob {container}/{blob}",
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ReadOnlyMemoryContent(content) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                request.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
                AddMetadata(request, options.Metadata);
                if (options.CreateOnly)
                {
                    request.Headers.TryAddWithoutValidation("If-None-Match", "*");
                }

                if (options.IfMatch is { } etag)
                {
                    request.Headers.TryAddWithoutValidation("If-Match", etag.ToString("H"));
                }

                return request;
            },
            static (response, _) => Task.FromResult(WriteResult(response)),
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Reads the blob, at most <paramref name="maxBytes"/> bytes. A larger blob (by Content-Length or by what
    /// actually arrives) yields <see cref="BlobDownload.ExceedsLimit"/> without reading the rest.
    /// </summary>
    public Task<BlobDownload> GetBlobAsync(string container, string blob, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var uri = BlobUri(_endpoint, container, blob);
        return _pipeline.SendAsync(
            $"GetBlob {container}/{blob}",
            () => new HttpRequestMessage(HttpMethod.Get, uri),
            (response, ct) => ReadCappedAsync(response, blob, maxBytes, ct),
            HttpCompletionOption.ResponseHeadersRead,
            cancellationToken);
    }

    /// <summary>HEAD: content type, length, ETag, last modified and metadata.</summary>
    public Task<BlobProperties> GetPropertiesAsync(string container, string blob, CancellationToken cancellationToken = default)
    {
        var uri = BlobUri(_endpoint, container, blob);
        return _pipeline.SendAsync(
            $"GetBlobProperties {container}/{blob}",
            () => new HttpRequestMessage(HttpMethod.Head, uri),
            (response, _) => Task.FromResult(Properties(response, blob)),
            cancellationToken: cancellationToken);
    }

    /// <summary>Replaces all metadata. With <paramref name="ifMatch"/>, a changed blob fails with 412 ConditionNotMet.</summary>
    public Task<BlobWriteResult> SetMetadataAsync(
        string container,
        string blob,
        IReadOnlyDictionary<string, string> metadata,
        ETag? ifMatch = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ValidateMetadata(metadata);
        var uri = new Uri($"{BlobUri(_endpoint, container, blob)}?comp=metadata");
        return _pipeline.SendAsync(
            $"SetBlobMetadata {container}/{blob}",
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, uri);
                AddMetadata(request, metadata);
                if (ifMatch is { } etag)
                {
                    request.Headers.TryAddWithoutValidation("If-Match", etag.ToString("H"));
                }

                return request;
            },
            static (response, _) => Task.FromResult(WriteResult(response)),
            cancellationToken: cancellationToken);
    }

    /// <summary>Deletes the blob (and its snapshots). Returns false when it did not exist and <paramref name="ignoreNotFound"/> is set.</summary>
    public async Task<bool> DeleteBlobAsync(
        string container,
        string blob,
        bool ignoreNotFound = false,
        ETag? ifMatch = null,
        CancellationToken cancellationToken = default)
    {
        var uri = BlobUri(_endpoint, container, blob);
        try
        {
            return await _pipeline.SendAsync(
                $"DeleteBlob {container}/{blob}",
                () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Delete, uri);
                    request.Headers.TryAddWithoutValidation("x-ms-delete-snapshots", "include");
                    if (ifMatch is { } etag)
                    {
                        request.Headers.TryAddWithoutValidation("If-Match", etag.ToString("H"));
                    }

                    return request;
                },
                static (_, _) => Task.FromResult(true),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException exception) when (ignoreNotFound && exception.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Copies a blob (bytes, content type and metadata, or <paramref name="options"/>' when given) by reading it
    /// and putting it, capped at <paramref name="maxBytes"/>. Client-side on purpose: blobs here are small, and it
    /// behaves the same under Shared Key and Entra ID (no copy-source authorization) and completes synchronously.
    /// Returns null when the source exceeds the cap.
    /// </summary>
    public async Task<BlobWriteResult?> CopyBlobAsync(
        string sourceContainer,
        string sourceBlob,
        string destinationContainer,
        string destinationBlob,
        long maxBytes,
        PutBlobOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var source = await GetBlobAsync(sourceContainer, sourceBlob, maxBytes, cancellationToken).ConfigureAwait(false);
        if (source.ExceedsLimit)
        {
            return null;
        }

        var put = options ?? new PutBlobOptions();
        put = put with
        {
            ContentType = put.ContentType ?? source.Properties.ContentType,
            Metadata = put.Metadata ?? source.Properties.Metadata,
        };
        return await PutBlobAsync(destinationContainer, destinationBlob, source.Content, put, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of blobs (with metadata) whose names start with <paramref name="prefix"/>.</summary>
    public Task<BlobListPage> ListBlobsAsync(
        string container,
        string? prefix = null,
        string? marker = null,
        int? maxResults = null,
        CancellationToken cancellationToken = default)
    {
        ValidateContainer(container);
        var query = new StringBuilder($"{_endpoint}/{container}?restype=container&comp=list&include=metadata");
        if (!string.IsNullOrEmpty(prefix))
        {
            query.Append("&prefix=").Append(Uri.EscapeDataString(prefix));
        }

        if (!string.IsNullOrEmpty(marker))
        {
            query.Append("&marker=").Append(Uri.EscapeDataString(marker));
        }

        if (maxResults is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max, nameof(maxResults));
            query.Append("&maxresults=").Append(max.ToString(CultureInfo.InvariantCulture));
        }

        var uri = new Uri(query.ToString());
        return _pipeline.SendAsync(
            $"ListBlobs {container}",
            () => new HttpRequestMessage(HttpMethod.Get, uri),
            static async (response, ct) => BlobXml.ParseListPage(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false)),
            cancellationToken: cancellationToken);
    }

    /// <summary>Every blob under <paramref name="prefix"/>, following markers page by page.</summary>
    public async IAsyncEnumerable<BlobProperties> ListAllBlobsAsync(
        string container,
        string? prefix = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? marker = null;
        do
        {
            var page = await ListBlobsAsync(container, prefix, marker, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var blob in page.Blobs)
            {
                yield return blob;
            }

            marker = page.NextMarker;
        }
        while (!string.IsNullOrEmpty(marker));
    }

    /// <summary>
    /// Get User Delegation Key (<c>POST /?restype=service&amp;comp=userdelegationkey</c>). Needs a token credential;
    /// the service refuses Shared Key for it. Times are sent to the second, in UTC.
    /// </summary>
    public Task<UserDelegationKey> GetUserDelegationKeyAsync(
        DateTimeOffset startsOn,
        DateTimeOffset expiresOn,
        CancellationToken cancellationToken = default)
    {
        if (expiresOn <= startsOn)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresOn), "The key must expire after it starts.");
        }

        var uri = new Uri($"{_endpoint}/?restype=service&comp=userdelegationkey");
        var body = BlobXml.KeyInfo(startsOn, expiresOn);
        return _pipeline.SendAsync(
            "GetUserDelegationKey",
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/xml");
                return request;
            },
            static async (response, ct) => BlobXml.ParseUserDelegationKey(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false)),
            cancellationToken: cancellationToken);
    }

    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    internal static Uri BlobUri(string endpoint, string container, string blob)
    {
        ValidateContainer(container);
        ArgumentException.ThrowIfNullOrEmpty(blob);
        if (blob.Length > 1024)
        {
            throw new ArgumentException($"Blob name is {blob.Length} characters; the maximum is 1024.", nameof(blob));
        }

        var escaped = string.Join('/', blob.Split('/').Select(Uri.EscapeDataString));
        return new Uri($"{endpoint}/{container}/{escaped}");
    }

    private static void ValidateContainer(string container)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        if (container.Length is < 3 or > 63 ||
            !container.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') ||
            container[0] == '-' || container[^1] == '-' || container.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid container name '{container}': 3-63 lowercase letters, digits and single hyphens.", nameof(container));
        }
    }

    private static void ValidateMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (name, value) in metadata)
        {
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') ||
                !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new ArgumentException($"Metadata name '{name}' is not a C# identifier.", nameof(metadata));
            }

            // Values travel as HTTP header values and are signed trimmed: keep them printable ASCII, unpadded.
            if (value is null || !value.All(c => c is >= ' ' and <= '~') || value.Trim().Length != value.Length)
            {
                throw new ArgumentException($"Metadata value for '{name}' must be printable ASCII without leading or trailing spaces.", nameof(metadata));
            }
        }
    }

    private static void AddMetadata(HttpRequestMessage request, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (name, value) in metadata)
        {
            request.Headers.TryAddWithoutValidation(MetadataPrefix + name, value);
        }
    }

    private static async Task<BlobDownload> ReadCappedAsync(HttpResponseMessage response, string blob, long maxBytes, CancellationToken cancellationToken)
    {
        var properties = Properties(response, blob);
        var declared = response.Content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            return new BlobDownload { Properties = properties, ExceedsLimit = true, MaxBytes = maxBytes };
        }

        // Content-Length is not trusted: read at most one byte past the cap.
        var buffer = new byte[(int)Math.Min(declared ?? Math.Min(maxBytes, 81920), maxBytes) + 1];
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > maxBytes)
                    {
                        return new BlobDownload { Properties = properties, ExceedsLimit = true, MaxBytes = maxBytes };
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > maxBytes)
            {
                return new BlobDownload { Properties = properties, ExceedsLimit = true, MaxBytes = maxBytes };
            }

            return new BlobDownload
            {
                Properties = properties with { ContentLength = total },
                Content = buffer.AsMemory(0, total),
                MaxBytes = maxBytes,
            };
        }
    }

    private static BlobWriteResult WriteResult(HttpResponseMessage response) =>
        new(ParseETag(response), response.Content.Headers.LastModified);

    private static ETag ParseETag(HttpResponseMessage response) =>
        StoragePipeline.FirstHeader(response, "ETag") is { } etag ? new ETag(etag) : default;

    private static BlobProperties Properties(HttpResponseMessage response, string blob)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers.NonValidated)
        {
            if (header.Key.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Key[MetadataPrefix.Length..]] = string.Join(',', header.Value);
            }
        }

        return new BlobProperties
        {
            Name = blob,
            ContentType = StoragePipeline.FirstHeader(response, "Content-Type"),
            ContentLength = response.Content.Headers.ContentLength ?? 0,
            ETag = ParseETag(response),
            LastModified = response.Content.Headers.LastModified,
            Metadata = metadata,
        };
    }
}
