using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Configuration;
using Valar.DevHost.Diagnostics;
using Valar.DevHost.Grpc;
using Valar.DevHost.Invocation;
using Valar.DevHost.Worker;
using Yarp.ReverseProxy.Forwarder;

namespace Valar.DevHost.Http;

/// <summary>
/// Serves one HTTP request as the real host does for the ASP.NET Core integration: match a function's route, send
/// its <c>InvocationRequest</c> and, at the same time, stream the request to the worker's <c>HttpUri</c> with
/// <c>x-ms-invocation-id</c>; the worker's HTTP response streams back. Unknown route or method: 404. No worker
/// ready: 503. Worker gone mid-request: 502 (YARP), or an aborted response once it had started.
/// </summary>
public sealed class HttpFunctionHandler
{
    private readonly WorkerSessionHolder _sessions;
    private readonly IHttpForwarder _forwarder;
    private readonly WorkerHttpClient _client;
    private readonly DevHostOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<HttpFunctionHandler> _logger;
    private readonly ForwarderRequestConfig _requestConfig;

    public HttpFunctionHandler(
        WorkerSessionHolder sessions,
        IHttpForwarder forwarder,
        WorkerHttpClient client,
        AppFolder app,
        DevHostOptions options,
        TimeProvider timeProvider,
        ILogger<HttpFunctionHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(app);
        _sessions = sessions;
        _forwarder = forwarder;
        _client = client;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;

        // An idle timeout, not a total: a function may think for its whole functionTimeout before the first byte.
        _requestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = (app.FunctionTimeout ?? TimeSpan.FromMinutes(30)) + TimeSpan.FromMinutes(1),
        };
    }

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = _sessions.Current;
        if (session is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return;
        }

        var match = session.Routes.Match(context.Request.Method, context.Request.Path);
        if (match is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var route = match.Route;
        if (session.HttpUri is null)
        {
            Log.NoHttpUri(_logger, route.Function.Name);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var invocation = new FunctionInvocation
        {
            FunctionId = route.Function.FunctionId,
            TriggerMetadata = HttpTriggerMetadata.Create(context.Request, match.Values),
        };
        var invocationCancel = new CancellationTokenSource();
        Task<InvocationResponse> invocationTask;
        using (context.RequestAborted.Register(static state => ((CancellationTokenSource)state!).Cancel(), invocationCancel))
        {
            invocationTask = session.InvokeAsync(invocation.ToRequest(), invocationCancel.Token);
            var error = await _forwarder.SendAsync(
                context,
                session.HttpUri.ToString(),
                _client.Invoker,
                _requestConfig,
                new InvocationRequestTransformer(invocation.InvocationId)).ConfigureAwait(false);
            if (error != ForwarderError.None)
            {
                var exception = context.GetForwarderErrorFeature()?.Exception;
                Log.ForwardFailed(_logger, route.Function.Name, invocation.InvocationId, error, exception?.Message ?? string.Empty);
                await invocationCancel.CancelAsync().ConfigureAwait(false);
            }
        }

        _ = ObserveAsync(invocationTask, invocationCancel, route.Function.Name, invocation.InvocationId);
    }

    /// <summary>The HTTP response is the function's answer; the invocation's own result is only logged when it failed.</summary>
    private async Task ObserveAsync(Task<InvocationResponse> invocationTask, CancellationTokenSource invocationCancel, string functionName, string invocationId)
    {
        try
        {
            var response = await invocationTask.WaitAsync(_options.InvocationResponseTimeout, _timeProvider).ConfigureAwait(false);
            if (response.Result?.Status == StatusResult.Types.Status.Failure)
            {
                Log.InvocationFailed(_logger, functionName, invocationId, response.Result.Exception?.Message ?? response.Result.Result);
            }
        }
        catch (TimeoutException)
        {
            Log.InvocationUnanswered(_logger, functionName, invocationId, _options.InvocationResponseTimeout);
            await invocationCancel.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.InvocationCancelled(_logger, functionName, invocationId);
        }
        catch (WorkerUnavailableException ex)
        {
            Log.InvocationLost(_logger, functionName, invocationId, ex.Message);
        }
        finally
        {
            invocationCancel.Dispose();
        }
    }
}
