using System.Diagnostics;
using Valar.Functions.Diagnostics;
using Valar.Functions.Http;
using Valar.Validation;
using Valar.Validation.Requests;

namespace Valar.Functions.Surfaces;

/// <summary>
/// One validation request on one surface: buffer the body within the limit and the memory budget, validate it, and
/// answer with the report or the refusal in the surface's envelope. The three surface functions hand their request here
/// and return <see cref="Results.Empty"/>: the response is written by then, and the empty result keeps the function's
/// <c>$return</c> http output binding in <c>functions.metadata</c>, the shape the Functions host proxies.
/// </summary>
public sealed class SurfaceValidator(RequestBodyReader reader, RequestValidator validator, ILogger<SurfaceValidator> logger)
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
        ValidationOutcome outcome;
        try
        {
            outcome = await validator.ValidateAsync(surface, body.Content, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The outcome holds no slice of the body (messages and paths are strings), so its array can be reused now.
            body.Dispose();
            reader.Return(body);
        }

        if (!outcome.Succeeded)
        {
            Log.RequestRefused(logger, ReportWriter.SurfaceName(surface), outcome.Error.Code, outcome.Error.Path, ElapsedMs(started));
            await ErrorEnvelope.WriteAsync(response, surface, outcome.Error, cancellationToken).ConfigureAwait(false);
            return;
        }

        var report = outcome.Report;
        Log.RequestValidated(logger, ReportWriter.SurfaceName(surface), report.Model, report.Images.Count, report.TotalBytes, ElapsedMs(started));
        await ReportWriter.WriteAsync(response, report, cancellationToken).ConfigureAwait(false);
    }

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
