using System.Diagnostics;
using Valar.Functions.Diagnostics;
using Valar.Functions.Forwarding;
using Valar.Functions.Http;
using Valar.Validation;
using Valar.Validation.Requests;

namespace Valar.Functions.Surfaces;

/// <summary>
/// One validation request on one surface: buffer the body within the limit and the memory budget, validate it, and
/// answer with the refusal in the surface's envelope, or, when valid, forward it to the model's upstream (URL images
/// inlined) or answer with the report when the model has none. The three surface functions hand their request here
/// and return <see cref="Results.Empty"/>: the response is written by then, and the empty result keeps the function's
/// <c>$return</c> http output binding in <c>functions.metadata</c>, the shape the Functions host proxies.
/// </summary>
public sealed class SurfaceValidator(
    RequestBodyReader reader,
    RequestValidator validator,
    UpstreamCatalog upstreams,
    UpstreamForwarder forwarder,
    ILogger<SurfaceValidator> logger)
{
    public async Task ValidateAsync(HttpRequest request, ApiSurface surface, CancellationToken cancellationToken = default)
    {
        var response = request.HttpContext.Response;
        var started = Stopwatch.GetTimestamp();

        var read = await reader.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (read.IsBusy)
        {
            Log.BudgetExhausted(logger, ReportWriter.SurfaceName(surface), request.ContentLength);
            response.Headers.RetryAfter = "5";
            await ErrorEnvelope.WriteAsync(response, surface, StatusCodes.Status503ServiceUnavailable, "server busy: too many large requests in flight; retry shortly", null, "server_busy", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (read.Error is { } bodyError)
        {
            Log.RequestRefused(logger, ReportWriter.SurfaceName(surface), bodyError.Code, bodyError.Path, ElapsedMs(started));
            await ErrorEnvelope.WriteAsync(response, surface, bodyError, cancellationToken).ConfigureAwait(false);
            return;
        }

        var body = read.Body!;
        var bodyReleased = 0;
        void ReleaseBody()
        {
            if (Interlocked.Exchange(ref bodyReleased, 1) == 0)
            {
                body.Dispose();
                reader.Return(body);
            }
        }

        ValidationOutcome? outcome = null;
        try
        {
            outcome = await validator.ValidateAsync(surface, body.Content, upstreams.InlinesAny, cancellationToken).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                // The outcome holds no slice of the body (messages and paths are strings), so its array can be reused now.
                ReleaseBody();
                Log.RequestRefused(logger, ReportWriter.SurfaceName(surface), outcome.Error.Code, outcome.Error.Path, ElapsedMs(started));
                await ErrorEnvelope.WriteAsync(response, surface, outcome.Error, cancellationToken).ConfigureAwait(false);
                return;
            }

            var report = outcome.Report;
            Log.RequestValidated(logger, ReportWriter.SurfaceName(surface), report.Model, report.Images.Count, report.TotalBytes, ElapsedMs(started));
            if (upstreams.Find(report.Model) is not { } upstream)
            {
                ReleaseBody();
                outcome.Dispose();
                await ReportWriter.WriteAsync(response, report, cancellationToken).ConfigureAwait(false);
                return;
            }

            // The body and the checked downloads stay alive until the upstream has taken them all.
            var kept = outcome;
            await forwarder.ForwardAsync(
                request.HttpContext,
                surface,
                upstream,
                body.Content,
                kept.Downloads,
                () =>
                {
                    kept.Dispose();
                    ReleaseBody();
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Every path ends here with nothing reading the body or the downloads any more.
            outcome?.Dispose();
            ReleaseBody();
        }
    }

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
