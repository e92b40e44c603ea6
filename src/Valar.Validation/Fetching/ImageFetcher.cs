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
    /// <summary>
    /// The first body buffer, whatever Content-Length says: a server that declares 20 MB and then trickles must not
    /// make us hold 20 MB. The buffer doubles only as bytes actually arrive.
    /// </summary>
    internal const int InitialBufferSize = 64 * 1024;

    private static readonly HttpRequestOptionsKey<IPAddress[]> CheckedAddressesKey = new("Valar.Fetching.CheckedAddresses");
    private static readonly MediaTypeWithQualityHeaderValue AcceptImages = new("image/*");

    private readonly FetchOptions _options;
    private readonly IHostResolver _resolver;
    private readonly TimeProvider _timeProvider;
    private readonly ArrayPool<byte> _bufferPool;
    private readonly AddressPolicy _policy;
    private readonly HttpClient _client;

    /// <summary>Creates a fetcher with one long-lived connection pool.</summary>
    /// <param name="options">Deadline, redirect cap, allowed networks and User-Agent.</param>
    /// <param name="resolver">Resolves host names (default: the system's resolver).</param>
    /// <param name="timeProvider">The clock the deadline runs on (default: <see cref="TimeProvider.System"/>).</param>
    /// <param name="bufferPool">Where body buffers come from and go back to (default: <see cref="ArrayPool{T}.Shared"/>).</param>
    public ImageFetcher(FetchOptions options, IHostResolver? resolver = null, TimeProvider? timeProvider = null, ArrayPool<byte>? bufferPool = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRedirects);
        _options = options;
        _resolver = resolver ?? new SystemHostResolver();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _bufferPool = bufferPool ?? ArrayPool<byte>.Shared;
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

        // One deadline for every phase and hop, on the injected clock (as YARP's HttpForwarder builds its timeouts).
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var current = url;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                if (!IsHttp(current))
                {
                    return FetchResult.Failure(ValidationErrors.UnsupportedUrlScheme(current.Scheme, inRedirect: redirects > 0));
                }

                var (addresses, refusal) = await CheckHostAsync(current, deadline.Token).ConfigureAwait(false);
                if (refusal is not null)
                {
                    return FetchResult.Failure(refusal);
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
                        return FetchResult.Failure(ValidationErrors.TooManyRedirects(_options.MaxRedirects));
                    }

                    if (!TryGetLocation(response, current, out var next))
                    {
                        return FetchResult.Failure(ValidationErrors.MissingLocation(status));
                    }

                    current = next;
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return FetchResult.Failure(ValidationErrors.HttpStatus(status));
                }

                return await ReadBodyAsync(response, maxBytes, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return FetchResult.Failure(ValidationErrors.TimedOut(_options.Timeout));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            // A connection torn down by cancellation can surface as an I/O error; cancellation still wins.
            cancellationToken.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested)
            {
                return FetchResult.Failure(ValidationErrors.TimedOut(_options.Timeout));
            }

            return FetchResult.Failure(DescribeFailure(exception));
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
                : (null, ValidationErrors.BlockedAddress(literal));
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
            return (null, ValidationErrors.CouldNotResolve(url.Host));
        }

        if (addresses is null || addresses.Length == 0)
        {
            return (null, ValidationErrors.CouldNotResolve(url.Host));
        }

        foreach (var address in addresses)
        {
            if (!_policy.IsAllowed(address))
            {
                return (null, ValidationErrors.BlockedName(url.Host, address));
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

    private async Task<FetchResult> ReadBodyAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            return FetchResult.Failure(ValidationErrors.ImageTooLarge(maxBytes));
        }

        // Reading one byte past the maximum tells "exactly the maximum" from "too large" without trusting headers.
        // A declared length only ever shrinks the buffer: it can be a lie, so growth follows the bytes received.
        var limit = Math.Min(maxBytes + 1, declared + 1 ?? long.MaxValue);
        var buffer = _bufferPool.Rent((int)Math.Min(limit, InitialBufferSize));
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var length = 0;
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        buffer = Grow(buffer, length, (int)Math.Min(maxBytes + 1, buffer.Length * 2L));
                    }

                    int read;
                    try
                    {
                        read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (exception is HttpRequestException or IOException)
                    {
                        // Torn down by our own deadline: let the caller report the timeout instead.
                        cancellationToken.ThrowIfCancellationRequested();
                        return FetchResult.Failure(ValidationErrors.BodyIncomplete());
                    }

                    if (read == 0)
                    {
                        var result = FetchResult.Success(buffer, length, _bufferPool);
                        buffer = null;
                        return result;
                    }

                    length += read;
                    if (length > maxBytes)
                    {
                        return FetchResult.Failure(ValidationErrors.ImageTooLarge(maxBytes));
                    }
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                _bufferPool.Return(buffer);
            }
        }
    }

    private byte[] Grow(byte[] buffer, int length, int size)
    {
        var larger = _bufferPool.Rent(size);
        buffer.AsSpan(0, length).CopyTo(larger);
        _bufferPool.Return(buffer);
        return larger;
    }

    private static ValidationError DescribeFailure(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socketException)
            {
                return ValidationErrors.ConnectionFailed(DescribeSocketError(socketException.SocketErrorCode));
            }
        }

        return exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } =>
                ValidationErrors.ConnectionFailed("closed before a response was received"),
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } =>
                ValidationErrors.ConnectionFailed("TLS handshake failed"),
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } =>
                ValidationErrors.ConnectionFailed("could not connect"),
            _ => ValidationErrors.DownloadFailed("invalid HTTP response"),
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
