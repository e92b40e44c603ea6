using Google.Protobuf.WellKnownTypes;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Configuration;
using Valar.DevHost.Diagnostics;
using Valar.DevHost.Grpc;
using Valar.DevHost.Http;

namespace Valar.DevHost.Worker;

/// <summary>
/// Keeps one worker running: launch, handshake, publish; when it exits unexpectedly, say why and start another
/// after a bounded, doubling delay; on shutdown, <c>WorkerTerminate</c>, a bounded grace, then kill that PID.
/// </summary>
public sealed class WorkerSupervisor
{
    private readonly AppFolder _app;
    private readonly DevHostOptions _options;
    private readonly WorkerConnectionRegistry _registry;
    private readonly WorkerSessionHolder _sessions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WorkerSupervisor> _logger;

    public WorkerSupervisor(
        AppFolder app,
        DevHostOptions options,
        WorkerConnectionRegistry registry,
        WorkerSessionHolder sessions,
        TimeProvider timeProvider,
        ILogger<WorkerSupervisor> logger)
    {
        _app = app;
        _options = options;
        _registry = registry;
        _sessions = sessions;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Runs workers until <paramref name="stoppingToken"/> fires; returns once the last one has exited.</summary>
    /// <param name="onReady">Called with the number of loaded functions each time a worker is ready.</param>
    public async Task RunAsync(Uri grpcUri, Action<int, bool> onReady, CancellationToken stoppingToken = default)
    {
        ArgumentNullException.ThrowIfNull(onReady);
        var backoff = new RestartBackoff(_options.MinimumRestartDelay, _options.MaximumRestartDelay, _options.HealthyRunTime);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var startedAt = _timeProvider.GetTimestamp();
            var workerId = Guid.NewGuid().ToString();
            var connecting = _registry.Expect(workerId);
            var process = await WorkerProcess.StartAsync(_app, grpcUri, workerId, _timeProvider, _logger).ConfigureAwait(false);
            _sessions.Track(process);
            try
            {
                var session = await StartAsync(process, connecting, stoppingToken).ConfigureAwait(false);
                _sessions.Publish(session);
                onReady(session.Functions.Count, first);
                first = false;

                using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    var stopped = Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, waiting.Token);
                    await Task.WhenAny(process.Exited, session.Connection.Closed, stopped).ConfigureAwait(false);
                    await waiting.CancelAsync().ConfigureAwait(false);
                }

                _sessions.Clear();
                if (stoppingToken.IsCancellationRequested)
                {
                    await TerminateAsync(session, process).ConfigureAwait(false);
                    return;
                }

                await ReportExitAsync(process).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is WorkerUnavailableException or TimeoutException)
            {
                Log.WorkerStartFailed(_logger, process.Id, ex.Message);
            }
            finally
            {
                _sessions.Clear();
                _registry.Forget(workerId);
                await process.DisposeAsync().ConfigureAwait(false);
                _sessions.Track(null);
            }

            var delay = backoff.NextDelay(_timeProvider.GetElapsedTime(startedAt));
            Log.WorkerRestarting(_logger, delay);
            try
            {
                await Task.Delay(delay, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<WorkerSession> StartAsync(WorkerProcess process, Task<WorkerConnection> connecting, CancellationToken stoppingToken)
    {
        using var deadline = new CancellationTokenSource(_options.WorkerStartTimeout, _timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deadline.Token);
        try
        {
            var first = await Task.WhenAny(connecting, process.Exited).WaitAsync(timeout.Token).ConfigureAwait(false);
            if (first != connecting)
            {
                throw new WorkerUnavailableException($"The worker exited with code {await process.Exited.ConfigureAwait(false)} before it connected.");
            }

            var connection = await connecting.ConfigureAwait(false);
            var handshake = WorkerHandshake.RunAsync(connection, _app, _logger, timeout.Token);
            var done = await Task.WhenAny(handshake, process.Exited).ConfigureAwait(false);
            if (done != handshake)
            {
                throw new WorkerUnavailableException($"The worker exited with code {await process.Exited.ConfigureAwait(false)} during the handshake.");
            }

            var session = await handshake.ConfigureAwait(false);
            if (session.HttpUri is { } httpUri && session.Routes.Routes.Count > 0)
            {
                var listening = WorkerHttpProbe.WaitUntilListeningAsync(httpUri, _timeProvider, timeout.Token);
                if (await Task.WhenAny(listening, process.Exited).ConfigureAwait(false) != listening)
                {
                    throw new WorkerUnavailableException($"The worker exited with code {await process.Exited.ConfigureAwait(false)} before its HTTP server listened.");
                }

                await listening.ConfigureAwait(false);
            }

            return session;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The worker was not ready within {_options.WorkerStartTimeout}.");
        }
    }

    private async Task ReportExitAsync(WorkerProcess process)
    {
        try
        {
            var code = await process.Exited.WaitAsync(TimeSpan.FromSeconds(5), _timeProvider).ConfigureAwait(false);
            Log.WorkerExitedUnexpectedly(_logger, process.Id, code);
        }
        catch (TimeoutException)
        {
            // The stream closed but the process lingers: it is no worker of ours any more.
            Log.WorkerStreamLost(_logger, process.Id);
        }
    }

    private async Task TerminateAsync(WorkerSession session, WorkerProcess process)
    {
        // A local host stops now rather than draining: functions still running are cancelled first, so that the worker
        // (whose web server waits for open requests) can exit within the grace period.
        var cancelled = session.Connection.CancelInvocations();
        if (cancelled > 0)
        {
            Log.CancellingInvocations(_logger, cancelled);
        }

        Log.WorkerTerminating(_logger, process.Id, _options.ShutdownGracePeriod);
        session.Connection.TrySend(new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(_options.ShutdownGracePeriod) },
        });
        try
        {
            var code = await process.Exited.WaitAsync(_options.ShutdownGracePeriod, _timeProvider).ConfigureAwait(false);
            Log.WorkerStopped(_logger, process.Id, code);
        }
        catch (TimeoutException)
        {
            Log.WorkerTerminateTimedOut(_logger, process.Id, _options.ShutdownGracePeriod);
        }
    }
}
