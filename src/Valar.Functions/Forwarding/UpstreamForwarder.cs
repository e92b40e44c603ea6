using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Valar.Functions.Diagnostics;
using Valar.Functions.Http;
using Valar.Validation;
using Valar.Validation.Requests;

namespace Valar.Functions.Forwarding;

/// <summary>
/// Sends a validated request to its model's upstream and relays the answer: status, headers and body unchanged, the
/// body copied as it arrives and flushed after every read, so server-sent events reach the client one by one.
/// A plain <see cref="HttpMessageInvoker"/> rather than YARP's <c>IHttpForwarder</c>: the body sent is not the incoming
/// stream (it was buffered for validation and is spliced), and failures before the first byte must become the surface's
/// own 502/504 envelope, so the parts of the forwarder that would be used are the header rules, which are a few lines here.
/// </summary>
public sealed class UpstreamForwarder(HttpMessageInvoker invoker, TimeProvider timeProvider, ILogger<UpstreamForwarder> logger)
{
    private const int CopyBufferSize = 16 * 1024;

    /// <summary>Request headers never sent upstream: hop-by-hop (RFC 9110 §7.6.1), framing, and the Functions key.</summary>
    private static readonly HashSet<string> DroppedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Content-Length", "Expect", "x-functions-key",
    };

    /// <summary>The client's credentials, replaced when the upstream has its own.</summary>
    private static readonly HashSet<string> CredentialHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "x-api-key", "api-key",
    };

    /// <summary>Response headers never relayed: hop-by-hop ones, which describe the upstream connection, not the answer.</summary>
    private static readonly HashSet<string> DroppedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade",
    };

    /// <summary>
    /// Forwards the request whose buffered body is <paramref name="body"/>. <paramref name="releaseBody"/> is called once
    /// nothing reads the body or the outcome's downloads any more: as soon as the upstream has taken the whole body, or at
    /// the end at the latest.
    /// </summary>
    public async Task ForwardAsync(
        HttpContext context,
        ApiSurface surface,
        Upstream upstream,
        ReadOnlyMemory<byte> body,
        IReadOnlyList<DownloadedImage> downloads,
        Action releaseBody,
        CancellationToken cancellationToken = default)
    {
        var released = false;
        void Release()
        {
            if (!released)
            {
                released = true;
                releaseBody();
            }
        }

        var started = Stopwatch.GetTimestamp();
        var surfaceName = ReportWriter.SurfaceName(surface);
        var content = new InlinedBody(body, surface, upstream.InlineImages ? downloads : []);
        using var message = new HttpRequestMessage(HttpMethod.Post, upstream.Target(context.Request.Path.Value ?? "/", WithoutFunctionsKey(context.Request.QueryString.Value)))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = content,
        };
        CopyRequestHeaders(context.Request, message, upstream);

        using var timeout = new CancellationTokenSource(upstream.ResponseTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage upstreamResponse;
        try
        {
            try
            {
                upstreamResponse = await invoker.SendAsync(message, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Log.ForwardAbortedByClient(logger, surfaceName, upstream.Model);
                return;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                Log.UpstreamTimedOut(logger, surfaceName, upstream.Model, (long)upstream.ResponseTimeout.TotalSeconds);
                await WriteTimeoutAsync(context.Response, surface, upstream, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                // Refused, reset, DNS failure, or the handler's ConnectTimeout (a TaskCanceledException that is neither
                // the client's cancellation nor our deadline): nothing answered, so nothing was relayed yet.
                Log.UpstreamUnreachable(logger, surfaceName, upstream.Model, (exception as HttpRequestException)?.HttpRequestError ?? HttpRequestError.ConnectionError);
                await ErrorEnvelope.WriteAsync(
                    context.Response, surface, StatusCodes.Status502BadGateway, "upstream model server unreachable", null, "upstream_unreachable", cancellationToken).ConfigureAwait(false);
                return;
            }

            // The deadline is for the answer to begin; a long generation then streams for as long as it takes.
            timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            if (content.IsSent)
            {
                Release();
            }

            using (upstreamResponse)
            {
                Log.Forwarded(logger, surfaceName, upstream.Model, (int)upstreamResponse.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                await RelayAsync(context, upstreamResponse, surfaceName, upstream, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Release();
        }
    }

    private async Task RelayAsync(HttpContext context, HttpResponseMessage upstreamResponse, string surfaceName, Upstream upstream, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = (int)upstreamResponse.StatusCode;
        CopyResponseHeaders(upstreamResponse.Headers, response.Headers);
        CopyResponseHeaders(upstreamResponse.Content.Headers, response.Headers);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var source = await upstreamResponse.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await response.StartAsync(cancellationToken).ConfigureAwait(false);
                while (true)
                {
                    int read;
                    try
                    {
                        read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        // The answer has begun, so no envelope can follow: end the client's response abruptly, as the upstream did.
                        Log.UpstreamBrokeOff(logger, surfaceName, upstream.Model);
                        context.Abort();
                        return;
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    // One flush per read: each event leaves as soon as it arrived, never held back to fill a buffer.
                    await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: disposing the upstream response (by the caller) closes the upstream connection.
            Log.ForwardAbortedByClient(logger, surfaceName, upstream.Model);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task WriteTimeoutAsync(HttpResponse response, ApiSurface surface, Upstream upstream, CancellationToken cancellationToken) =>
        ErrorEnvelope.WriteAsync(
            response,
            surface,
            StatusCodes.Status504GatewayTimeout,
            $"upstream model server did not answer within {(long)upstream.ResponseTimeout.TotalSeconds} s",
            null,
            "upstream_timeout",
            cancellationToken);

    private static void CopyRequestHeaders(HttpRequest request, HttpRequestMessage message, Upstream upstream)
    {
        var connectionTokens = request.Headers.Connection.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            if (DroppedRequestHeaders.Contains(name)
                || connectionTokens.Contains(name)
                || name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase)
                || (upstream.HasCredential && CredentialHeaders.Contains(name)))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content!.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (upstream.HasCredential)
        {
            message.Headers.TryAddWithoutValidation(upstream.CredentialHeader!, upstream.Credential);
        }
    }

    private static void CopyResponseHeaders(System.Net.Http.Headers.HttpHeaders source, IHeaderDictionary destination)
    {
        foreach (var (name, values) in source.NonValidated)
        {
            if (!DroppedResponseHeaders.Contains(name))
            {
                destination[name] = values.ToArray();
            }
        }
    }

    /// <summary>The query as the client wrote it, less the Functions key (<c>code</c>).</summary>
    internal static string WithoutFunctionsKey(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return "";
        }

        var kept = query.TrimStart('?').Split('&').Where(pair =>
        {
            var name = pair.Split('=', 2)[0];
            return !name.Equals("code", StringComparison.Ordinal);
        });
        return string.Join('&', kept);
    }
}
