using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Diagnostics;

namespace Valar.DevHost.Grpc;

/// <summary>Writes the worker's <c>RpcLog</c> messages to the host's logger at their own level.</summary>
public static class WorkerLogForwarder
{
    public static void Write(ILogger logger, RpcLog log)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(log);
        var level = ToLogLevel(log.Level);
        if (!logger.IsEnabled(level) || IsFrameworkChatter(log.Category, level))
        {
            return;
        }

        if (log.Exception is { } exception)
        {
            Log.WorkerLogWithException(logger, level, log.Category, log.Message, exception.Type, exception.Message, exception.StackTrace);
        }
        else
        {
            Log.WorkerLog(logger, level, log.Category, log.Message);
        }
    }

    /// <summary>
    /// The worker's own framework logs (ASP.NET Core request lines, hosting, data protection) below Warning: the real
    /// host keeps them out of the console too. The app's logs pass at every enabled level.
    /// </summary>
    public static bool IsFrameworkChatter(string category, LogLevel level) =>
        level < LogLevel.Warning
        && category is not null
        && (category.StartsWith("Microsoft.", StringComparison.Ordinal) || category.StartsWith("System.", StringComparison.Ordinal));

    public static LogLevel ToLogLevel(RpcLog.Types.Level level) => level switch
    {
        RpcLog.Types.Level.Trace => LogLevel.Trace,
        RpcLog.Types.Level.Debug => LogLevel.Debug,
        RpcLog.Types.Level.Information => LogLevel.Information,
        RpcLog.Types.Level.Warning => LogLevel.Warning,
        RpcLog.Types.Level.Error => LogLevel.Error,
        RpcLog.Types.Level.Critical => LogLevel.Critical,
        _ => LogLevel.None,
    };
}
