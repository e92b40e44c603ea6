namespace Valar.DevHost.Configuration;

/// <summary>What the command line asks for, with the host's timing defaults.</summary>
public sealed record DevHostOptions
{
    /// <summary>The port of the HTTP front end on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; } = 7071;

    /// <summary>The isolated-worker app's build output (holds <c>worker.config.json</c> and <c>functions.metadata</c>).</summary>
    public required string AppDirectory { get; init; }

    /// <summary>A <c>local.settings.json</c> elsewhere than the app folder.</summary>
    public string? SettingsPath { get; init; }

    /// <summary>From worker launch to the last function loaded.</summary>
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a worker has to exit after <c>WorkerTerminate</c> before its process is killed.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before restarting a worker that exited; doubled per failure up to <see cref="MaximumRestartDelay"/>.</summary>
    public TimeSpan MinimumRestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaximumRestartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A worker that ran this long before exiting counts as healthy: the restart delay starts again from the minimum.</summary>
    public TimeSpan HealthyRunTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the host waits for an <c>InvocationResponse</c> once the HTTP exchange is over.</summary>
    public TimeSpan InvocationResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the Azurite poller lists each blob trigger's container (<c>--blob-poll</c> seconds; zero turns it off).</summary>
    public TimeSpan BlobPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait between failed tries of one blob delivery (<c>--blob-retry-delay</c> seconds).</summary>
    public TimeSpan BlobRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Tries of one blob delivery before it goes to the poison queue, as the real host's <c>maxDequeueCount</c>.</summary>
    public int BlobMaxDeliveries { get; init; } = 5;
}
