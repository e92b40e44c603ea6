using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Valar.Validation.Fetching;

/// <summary>
/// Downloads image URLs without letting them reach private networks: every hop's host is resolved here, every
/// address is checked, and the connection goes to a checked address only (never re-resolved), so DNS cannot
/// change the answer between the check and the connect. Expected failures come back as <see cref="FetchResult.Error"/>.
/// </summary>
public sealed class ImageFetcher : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    private static readonly HttpRequestOptionsKey<IPAddress[]> CheckedAddressesKey = new("Valar.Fetching.CheckedAddresses");
    private static readonly MediaTypeWithQualityHeaderValue AcceptImages = new("image/*");

    private readonly FetchOptions _options;
    private readonly IHostResolver _resolver;
    private readonly AddressPolicy _policy;
    private readonly HttpClient _client;

    /// <summary>Creates a fetcher with one long-lived connection pool; resolves names with <paramref name="resolver"/> (default: the system's).</summary>
    public ImageFetcher(FetchOptions options, IHostResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRedirects);
        _options = options;
        _resolver = resolver ?? new SystemHostResolver();
        _policy = new AddressPolicy(options.AllowedNetworks);
        _client = new HttpClient(CreateHandler(), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Downloads <paramref name="url"/> (following redirects), refusing bodies over <paramref name="maxBytes"/>.
    /// Throws only when <paramref name="cancellationToken"/> is cancelled (or on a bug).
    /// </summary>
    public async Task<FetchResult> FetchAsync(Uri url, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException("The URL must be absolute.", nameof(url));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(maxBytes, (long)Array.MaxLength);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        var current = url;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                if (!IsHttp(current))
                {
                    return FetchResult.Failure(FetchErrors.UnsupportedScheme(current.Scheme, inRedirect: redirects > 0), current);
                }

                var (addresses, refusal) = await CheckHostAsync(current, deadline.Token).ConfigureAwait(false);
                if (refusal is not null)
                {
                    return FetchResult.Failure(refusal, current);
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
                request.Headers.Accept.Add(AcceptImages);
                request.Options.Set(CheckedAddressesKey, addresses!);

                using var response = await _client
                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                    .ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (IsRedirect(response.StatusCode))
                {
                    if (redirects >= _options.MaxRedirects)
                    {
                        return FetchResult.Failure(FetchErrors.TooManyRedirects(_options.MaxRedirects), current);
                    }

                    if (!TryGetLocation(response, current, out var next))
                    {
                        return FetchResult.Failure(FetchErrors.MissingLocation(status), current);
                    }

                    current = next;
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return FetchResult.Failure(FetchErrors.HttpStatus(status), current);
                }

                return await ReadBodyAsync(response, current, maxBytes, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (IsOurDeadline(deadline, cancellationToken))
        {
            return FetchResult.Failure(FetchErrors.TimedOut(_options.Timeout), current);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            // A connection torn down by cancellation can surface as an I/O error; cancellation still wins.
            cancellationToken.ThrowIfCancellationRequested();
            if (deadline.IsCancellationRequested)
            {
                return FetchResult.Failure(FetchErrors.TimedOut(_options.Timeout), current);
            }

            return FetchResult.Failure(DescribeFailure(exception), current);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    internal static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        PreAuthenticate = false,
        ConnectCallback = ConnectToCheckedAddressAsync,
        // Bounds how long a pooled connection to one checked address keeps serving a name whose DNS has moved on.
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        // A body abandoned at the size cap (or after an error status) belongs to a server we no longer trust:
        // close the connection instead of draining it for reuse.
        MaxResponseDrainSize = 0,
        ResponseDrainTimeout = TimeSpan.Zero,
    };

    private static bool IsHttp(Uri url) =>
        url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps;

    private static bool IsRedirect(HttpStatusCode status) => status is
        HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or
        HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool IsOurDeadline(CancellationTokenSource deadline, CancellationToken cancellationToken) =>
        deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested;

    private static bool TryGetLocation(HttpResponseMessage response, Uri current, out Uri next)
    {
        next = current;
        if (!response.Headers.TryGetValues("Location", out var values))
        {
            return false;
        }

        var location = values.FirstOrDefault();
        return !string.IsNullOrWhiteSpace(location) && Uri.TryCreate(current, location.Trim(), out next!);
    }

    private async Task<(IPAddress[]? Addresses, ValidationError? Refusal)> CheckHostAsync(Uri url, CancellationToken cancellationToken)
    {
        if (TryParseLiteral(url, out var literal))
        {
            return _policy.IsAllowed(literal)
                ? ([literal], null)
                : (null, FetchErrors.BlockedAddress(literal));
        }

        IPAddress[] addresses;
        try
        {
            addresses = await _resolver.ResolveAsync(url.IdnHost, cancellationToken)
                .WaitAsync(cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or ArgumentException)
        {
            return (null, FetchErrors.CouldNotResolve(url.Host));
        }

        if (addresses is null || addresses.Length == 0)
        {
            return (null, FetchErrors.CouldNotResolve(url.Host));
        }

        foreach (var address in addresses)
        {
            if (!_policy.IsAllowed(address))
            {
                return (null, FetchErrors.BlockedName(url.Host, address));
            }
        }

        return (addresses, null);
    }

    private static bool TryParseLiteral(Uri url, out IPAddress address)
    {
        // System.Uri already canonicalizes 127.1, 2130706433, 0x7f000001 and 0177.0.0.1 to 127.0.0.1, but it keeps
        // "127.0.0.1." as a name: treat that as the literal it is rather than asking a resolver.
        var host = url.HostNameType switch
        {
            UriHostNameType.IPv4 or UriHostNameType.IPv6 => url.IdnHost,
            _ => url.IdnHost.EndsWith('.') ? url.IdnHost[..^1] : null,
        };
        address = IPAddress.None;
        if (host is null || !IPAddress.TryParse(host, out var parsed))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static async ValueTask<Stream> ConnectToCheckedAddressAsync(
        SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(CheckedAddressesKey, out var addresses) || addresses.Length == 0)
        {
            throw new InvalidOperationException("A request reached the connection pool without checked addresses.");
        }

        SocketException? lastFailure = null;
        foreach (var address in addresses)
        {
            var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                lastFailure = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw lastFailure!;
    }

    private static async Task<FetchResult> ReadBodyAsync(
        HttpResponseMessage response, Uri url, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            return FetchResult.Failure(FetchErrors.TooLarge(maxBytes), url);
        }

        // Reading one byte past the maximum tells "exactly the maximum" from "too large" without trusting headers.
        var limit = maxBytes + 1;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, declared + 1 ?? InitialBufferSize));
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var length = 0;
                while (true)
                {
                    var window = (int)Math.Min(buffer.Length, limit) - length;
                    if (window == 0)
                    {
                        buffer = Grow(buffer, length, (int)Math.Min(limit, buffer.Length * 2L));
                        continue;
                    }

                    int read;
                    try
                    {
                        read = await stream.ReadAsync(buffer.AsMemory(length, window), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (exception is HttpRequestException or IOException)
                    {
                        // Torn down by our own deadline: let the caller report the timeout instead.
                        cancellationToken.ThrowIfCancellationRequested();
                        return FetchResult.Failure(FetchErrors.BodyIncomplete(), url);
                    }

                    if (read == 0)
                    {
                        var result = FetchResult.Success(buffer, length, response.Content.Headers.ContentType?.ToString(), url);
                        buffer = null;
                        return result;
                    }

                    length += read;
                    if (length > maxBytes)
                    {
                        return FetchResult.Failure(FetchErrors.TooLarge(maxBytes), url);
                    }
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static byte[] Grow(byte[] buffer, int length, int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private static ValidationError DescribeFailure(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socketException)
            {
                return FetchErrors.ConnectionFailed(DescribeSocketError(socketException.SocketErrorCode));
            }
        }

        return exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } =>
                FetchErrors.ConnectionFailed("closed before a response was received"),
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } =>
                FetchErrors.ConnectionFailed("TLS handshake failed"),
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } =>
                FetchErrors.ConnectionFailed("could not connect"),
            _ => FetchErrors.DownloadFailed("invalid HTTP response"),
        };
    }

    private static string DescribeSocketError(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.ConnectionAborted => "connection aborted",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.TimedOut => "connect timed out",
        SocketError.AddressNotAvailable => "address not available",
        _ => $"socket error {error}",
    };
}
