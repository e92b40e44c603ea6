using System.Diagnostics;
using Valar.Validation;
using Valar.Validation.Requests;

namespace Valar.Functions.Http;

/// <summary>The three request surfaces, at the paths the official SDKs call when pointed at this endpoint.</summary>
public static class ValidationEndpoints
{
    public static IEndpointRouteBuilder MapValidationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/chat/completions", (HttpContext context) => ValidateAsync(context, ApiSurface.ChatCompletions));
        endpoints.MapPost("/v1/responses", (HttpContext context) => ValidateAsync(context, ApiSurface.Responses));
        endpoints.MapPost("/v1/messages", (HttpContext context) => ValidateAsync(context, ApiSurface.Messages));
        return endpoints;
    }

    private static async Task ValidateAsync(HttpContext context, ApiSurface surface)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ValidationEndpoints));
        var reader = services.GetRequiredService<RequestBodyReader>();
        var validator = services.GetRequiredService<RequestValidator>();
        var cancellationToken = context.RequestAborted;
        var started = Stopwatch.GetTimestamp();

        var read = await reader.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);
        if (read.IsBusy)
        {
            Log.BudgetExhausted(logger, ReportWriter.SurfaceName(surface), context.Request.ContentLength);
            context.Response.Headers.RetryAfter = "5";
            await ErrorEnvelope.WriteAsync(context.Response, surface, StatusCodes.Status503ServiceUnavailable, "server busy: too many large requests in flight; retry shortly", null, "server_busy", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (read.Error is { } bodyError)
        {
            Log.RequestRefused(logger, ReportWriter.SurfaceName(surface), bodyError.Code, bodyError.Path, ElapsedMs(started));
            await ErrorEnvelope.WriteAsync(context.Response, surface, bodyError, cancellationToken).ConfigureAwait(false);
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
            await ErrorEnvelope.WriteAsync(context.Response, surface, outcome.Error, cancellationToken).ConfigureAwait(false);
            return;
        }

        var report = outcome.Report;
        Log.RequestValidated(logger, ReportWriter.SurfaceName(surface), report.Model, report.Images.Count, report.TotalBytes, ElapsedMs(started));
        await ReportWriter.WriteAsync(context.Response, report, cancellationToken).ConfigureAwait(false);
    }

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
