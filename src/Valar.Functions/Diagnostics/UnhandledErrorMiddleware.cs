using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Valar.Functions.Http;
using Valar.Validation.Requests;

namespace Valar.Functions.Diagnostics;

/// <summary>
/// A bug in a function becomes a 500 in the surface's envelope (<c>internal error</c>), never an empty 500 or a stack
/// trace; the exception is logged without the request's content. A cancelled request is not an error.
/// </summary>
internal sealed class UnhandledErrorMiddleware(ILogger<UnhandledErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (context.GetHttpContext() is { } httpContext && !httpContext.RequestAborted.IsCancellationRequested)
        {
            Log.Unhandled(logger, exception, httpContext.Request.Path);
            if (httpContext.Response.HasStarted)
            {
                throw;
            }

            var surface = httpContext.Request.Path.StartsWithSegments("/v1/messages") ? ApiSurface.Messages : ApiSurface.ChatCompletions;
            httpContext.Response.Clear();
            await ErrorEnvelope.WriteAsync(httpContext.Response, surface, StatusCodes.Status500InternalServerError, "internal error", null, "internal_error").ConfigureAwait(false);
        }
    }
}
