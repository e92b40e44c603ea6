using System.Globalization;
using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace Valar.Storage;

/// <summary>
/// Sends one storage operation: stamps x-ms-date/x-ms-version, authorizes, retries transient failures
/// (408, 429, 500, 502, 503, 504, connection failures, per-try timeouts) with capped, jittered exponential
/// backoff, and turns error responses into <see cref="StorageRequestException"/>.
/// </summary>
internal sealed class StoragePipeline
{
    internal const string ServiceVersion = "2021-12-02";

    private const int MaxErrorBodyChars = 16 * 1024;

    private readonly HttpClient _httpClient;
    private readonly IRequestAuthorizer _authorizer;
    private readonly BlobStoreOptions _options;
    private readonly TimeProvider _timeProvider;

    public StoragePipeline(HttpClient httpClient, IRequestAuthorizer authorizer, BlobStoreOptions options, TimeProvider timeProvider)
    {
        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "MaxAttempts must be at least 1.");
        }

        _httpClient = httpClient;
        _authorizer = authorizer;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <param name="operation">Names the operation and resource in errors, e.g. <c>GetBlob uploads/abc</c>; never a query string.</param>
    /// <param name="createRequest">Builds a fresh request per try, so bodies are replayed from their buffer.</param>
    /// <param name="readResponse">Reads a successful response inside the try, so a body cut short is retried too.</param>
    public async Task<T> SendAsync<T>(
        string operation,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, CancellationToken, Task<T>> readResponse,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var isLast = attempt >= _options.MaxAttempts;
            TimeSpan? retryAfter = null;
            using var tryTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            tryTimeout.CancelAfter(_options.TryTimeout);
            try
            {
                using var request = createRequest();
                request.Headers.TryAddWithoutValidation("x-ms-date", _timeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation("x-ms-version", ServiceVersion);
                await _authorizer.AuthorizeAsync(request, tryTimeout.Token).ConfigureAwait(false);

                using var response = await _httpClient.SendAsync(request, completion, tryTimeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return await readResponse(response, tryTimeout.Token).ConfigureAwait(false);
                }

                if (isLast || !IsTransient(response.StatusCode))
                {
                    throw await ToExceptionAsync(operation, response, attempt, tryTimeout.Token).ConfigureAwait(false);
                }

                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                if (isLast)
                {
                    throw new StorageRequestException(
                        $"{operation} timed out after {attempt} attempt(s) of {_options.TryTimeout.TotalSeconds:0.#} s.",
                        status: 0,
                        errorCode: null,
                        innerException: new TimeoutException(exception.Message, exception));
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (isLast)
                {
                    throw new StorageRequestException(
                        $"{operation} could not reach the storage service after {attempt} attempt(s): {exception.GetType().Name}.",
                        status: 0,
                        errorCode: null,
                        innerException: exception);
                }
            }

            await Task.Delay(Backoff(attempt, retryAfter), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static bool IsTransient(HttpStatusCode status) => status is
        HttpStatusCode.RequestTimeout or
        HttpStatusCode.TooManyRequests or
        HttpStatusCode.InternalServerError or
        HttpStatusCode.BadGateway or
        HttpStatusCode.ServiceUnavailable or
        HttpStatusCode.GatewayTimeout;

    /// <summary>Half the exponential delay fixed, half random ("equal jitter"), never above the cap.</summary>
    internal TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        var jittered = (capped / 2) + (Random.Shared.NextDouble() * capped / 2);
        if (retryAfter is { } hint)
        {
            jittered = Math.Max(jittered, Math.Min(hint.TotalMilliseconds, _options.RetryMaxDelay.TotalMilliseconds));
        }

        return TimeSpan.FromMilliseconds(jittered);
    }

    private static async Task<StorageRequestException> ToExceptionAsync(
        string operation,
        HttpResponseMessage response,
        int attempt,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var code = FirstHeader(response, "x-ms-error-code");
        if (code is null && response.RequestMessage?.Method != HttpMethod.Head)
        {
            code = await ReadErrorCodeAsync(response, cancellationToken).ConfigureAwait(false);
        }

        // The service's own message can quote the string-to-sign and signature, so only the code is kept.
        var tries = attempt > 1 ? $" after {attempt} attempts" : string.Empty;
        return new StorageRequestException(
            $"{operation} failed with {status} ({code ?? response.ReasonPhrase ?? "no error code"}){tries}.",
            status,
            code,
            FirstHeader(response, "x-ms-request-id"));
    }

    private static async Task<string?> ReadErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length is 0 or > MaxErrorBodyChars)
            {
                return null;
            }

            return XDocument.Parse(body).Root?.Element("Code")?.Value;
        }
        catch (Exception exception) when (exception is XmlException or IOException or HttpRequestException)
        {
            return null;
        }
    }

    internal static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ||
        response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;
}
