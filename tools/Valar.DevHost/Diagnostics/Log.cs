using Yarp.ReverseProxy.Forwarder;

namespace Valar.DevHost.Diagnostics;

/// <summary>Every log line of the host, with its event id, in one place.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Started worker process {ProcessId} (worker id {WorkerId}): {WorkerPath}")]
    public static partial void WorkerStarted(ILogger logger, int processId, string workerId, string workerPath);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Worker {WorkerId} connected")]
    public static partial void WorkerConnected(ILogger logger, string workerId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Refused a worker stream: {Reason}")]
    public static partial void StreamRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Worker {WorkerId} stream ended: {ExceptionType}: {Reason}")]
    public static partial void WorkerStreamFailed(ILogger logger, string workerId, string exceptionType, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Worker {WorkerId} sent {MessageType}, which this host does not use")]
    public static partial void WorkerMessageIgnored(ILogger logger, string workerId, string messageType);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Worker {WorkerId} answered {Key}, which nobody waits for any more")]
    public static partial void WorkerReplyUnexpected(ILogger logger, string workerId, string key);

    [LoggerMessage(EventId = 7, Message = "{Category}: {Message}")]
    public static partial void WorkerLog(ILogger logger, LogLevel level, string category, string message);

    [LoggerMessage(EventId = 8, Message = "{Category}: {Message} ({ExceptionType}: {ExceptionMessage}) {StackTrace}")]
    public static partial void WorkerLogWithException(ILogger logger, LogLevel level, string category, string message, string exceptionType, string exceptionMessage, string stackTrace);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "worker: {Line}")]
    public static partial void WorkerConsole(ILogger logger, string line);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Mapped function {FunctionName}: {Methods} /{Template}")]
    public static partial void RouteMapped(ILogger logger, string functionName, string methods, string template);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Function {FunctionName} failed to load: {Reason}")]
    public static partial void FunctionLoadFailed(ILogger logger, string functionName, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Worker process {ProcessId} did not start: {Reason}")]
    public static partial void WorkerStartFailed(ILogger logger, int processId, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Worker process {ProcessId} exited unexpectedly with exit code {ExitCode}; restarting it")]
    public static partial void WorkerExitedUnexpectedly(ILogger logger, int processId, int exitCode);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Worker process {ProcessId} closed its stream but did not exit; killing it and restarting")]
    public static partial void WorkerStreamLost(ILogger logger, int processId);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Starting a new worker in {Delay}")]
    public static partial void WorkerRestarting(ILogger logger, TimeSpan delay);

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "Sending WorkerTerminate to worker process {ProcessId} (grace {Grace})")]
    public static partial void WorkerTerminating(ILogger logger, int processId, TimeSpan grace);

    [LoggerMessage(EventId = 17, Level = LogLevel.Information, Message = "Worker process {ProcessId} exited with code {ExitCode}")]
    public static partial void WorkerStopped(ILogger logger, int processId, int exitCode);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning, Message = "Worker process {ProcessId} did not exit within {Grace} of WorkerTerminate")]
    public static partial void WorkerTerminateTimedOut(ILogger logger, int processId, TimeSpan grace);

    [LoggerMessage(EventId = 19, Level = LogLevel.Warning, Message = "Killing worker process {ProcessId}")]
    public static partial void WorkerKilled(ILogger logger, int processId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Could not kill worker process {ProcessId}: {Reason}")]
    public static partial void WorkerKillFailed(ILogger logger, int processId, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Function {FunctionName} has an HTTP trigger but the worker advertised no HttpUri (is ConfigureFunctionsWebApplication used?)")]
    public static partial void NoHttpUri(ILogger logger, string functionName);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Forwarding to function {FunctionName} (invocation {InvocationId}) ended with {Error}: {Reason}")]
    public static partial void ForwardFailed(ILogger logger, string functionName, string invocationId, ForwarderError error, string reason);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Function {FunctionName} (invocation {InvocationId}) failed: {Reason}")]
    public static partial void InvocationFailed(ILogger logger, string functionName, string invocationId, string reason);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "Function {FunctionName} (invocation {InvocationId}) sent no InvocationResponse within {Timeout} of its HTTP response; cancelling it")]
    public static partial void InvocationUnanswered(ILogger logger, string functionName, string invocationId, TimeSpan timeout);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "Function {FunctionName} (invocation {InvocationId}) was cancelled (InvocationCancel sent)")]
    public static partial void InvocationCancelled(ILogger logger, string functionName, string invocationId);

    [LoggerMessage(EventId = 26, Level = LogLevel.Warning, Message = "Function {FunctionName} (invocation {InvocationId}) lost its worker: {Reason}")]
    public static partial void InvocationLost(ILogger logger, string functionName, string invocationId, string reason);

    [LoggerMessage(EventId = 27, Level = LogLevel.Information, Message = "Worker restarted: {Count} functions loaded")]
    public static partial void WorkerReloaded(ILogger logger, int count);

    [LoggerMessage(EventId = 28, Level = LogLevel.Critical, Message = "The host is exiting unexpectedly; killing worker process {ProcessId}")]
    public static partial void HostCrashing(ILogger logger, int processId);

    [LoggerMessage(EventId = 29, Level = LogLevel.Information, Message = "Shutting down: cancelling {Count} running invocations")]
    public static partial void CancellingInvocations(ILogger logger, int count);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Blob trigger {FunctionName}: try {Attempt} of {MaxAttempts} for {BlobPath} failed: {Reason}")]
    public static partial void BlobDeliveryFailed(ILogger logger, string functionName, int attempt, int maxAttempts, string blobPath, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "Blob trigger {FunctionName}: {BlobPath} failed {MaxAttempts} times; written to the poison queue {Queue}")]
    public static partial void BlobPoisoned(ILogger logger, string functionName, string blobPath, int maxAttempts, string queue);

    [LoggerMessage(EventId = 42, Level = LogLevel.Error, Message = "Blob trigger {FunctionName}: {BlobPath} could not be written to the poison queue")]
    public static partial void BlobPoisonFailed(ILogger logger, Exception exception, string functionName, string blobPath);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "Blob poller could not list container {Container}: {Reason}")]
    public static partial void BlobPollFailed(ILogger logger, string container, string reason);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Blob trigger {FunctionName}: polling container {Container} every {Seconds} s (Azurite emits no Event Grid events)")]
    public static partial void BlobPollStarted(ILogger logger, string functionName, string container, double seconds);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "Blob trigger {FunctionName}: the connection setting {Setting} is not a connection string; the poller and the poison queue are off")]
    public static partial void BlobConnectionUnusable(ILogger logger, string functionName, string setting);
}
