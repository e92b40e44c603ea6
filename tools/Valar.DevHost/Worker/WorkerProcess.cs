using System.Diagnostics;
using Valar.DevHost.Configuration;
using Valar.DevHost.Diagnostics;

namespace Valar.DevHost.Worker;

/// <summary>
/// One launched worker process (<c>dotnet &lt;app&gt;.dll --functions-*</c>). Disposing it kills that PID, and only
/// that PID, if it still runs: no worker outlives the host.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    private WorkerProcess(Process process, TimeProvider timeProvider, ILogger logger)
    {
        _process = process;
        _timeProvider = timeProvider;
        _logger = logger;
        Id = process.Id;
        Exited = WaitForExitCodeAsync(process);
    }

    public int Id { get; }

    /// <summary>The exit code, once the process has exited.</summary>
    public Task<int> Exited { get; }

    /// <summary>
    /// util-linux's <c>setpriv</c>, to start the worker with <c>--pdeathsig KILL</c>: it then dies with the host even
    /// when the host is killed outright (see <see cref="LauncherThread"/>). Null where there is none.
    /// </summary>
    private static readonly string? SetPriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// util-linux's <c>setsid</c>, to start the worker in a session of its own: Ctrl+C in a terminal then reaches only
    /// the host, which stops the worker in order (<c>WorkerTerminate</c>) instead of racing it. Null where there is none.
    /// </summary>
    private static readonly string? SetSid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    public static async Task<WorkerProcess> StartAsync(AppFolder app, Uri grpcUri, string workerId, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(grpcUri);

        // Each wrapper execs the next in place (setsid forks only when it is a process group leader, which a
        // freshly started child is not): the PID stays the worker's.
        var command = new List<string>();
        if (SetPriv is not null)
        {
            command.AddRange([SetPriv, "--pdeathsig", "KILL", "--"]);
        }

        if (SetSid is not null)
        {
            command.Add(SetSid);
        }

        command.Add(DotnetPath());
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = app.Directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(app.WorkerPath);
        start.ArgumentList.Add("--functions-uri");
        start.ArgumentList.Add(grpcUri.ToString());
        start.ArgumentList.Add("--functions-worker-id");
        start.ArgumentList.Add(workerId);
        start.ArgumentList.Add("--functions-request-id");
        start.ArgumentList.Add(Guid.NewGuid().ToString());
        start.ArgumentList.Add("--functions-grpc-max-message-length");
        start.ArgumentList.Add(int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // local.settings.json Values never override the environment (as Core Tools).
        foreach (var (name, value) in app.Settings)
        {
            if (!start.Environment.ContainsKey(name))
            {
                start.Environment[name] = value;
            }
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = app.Directory;
        start.Environment["AzureWebJobsScriptRoot"] = app.Directory;
        // The worker picks its own HTTP port (HttpUri); an inherited URL list would override it.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => WriteLine(logger, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(logger, e.Data);
        await LauncherThread.RunAsync(process.Start).ConfigureAwait(false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Log.WorkerStarted(logger, process.Id, workerId, app.WorkerPath);
        return new WorkerProcess(process, timeProvider, logger);
    }

    /// <summary>Kills this process (not its tree, not by name) if it still runs.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                Log.WorkerKilled(_logger, Id);
                _process.Kill(entireProcessTree: false);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited in between.
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Log.WorkerKillFailed(_logger, Id, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await Exited.WaitAsync(KillWait, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.WorkerKillFailed(_logger, Id, "still running 10 s after SIGKILL");
        }

        _process.Dispose();
    }

    private static async Task<int> WaitForExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    private static void WriteLine(ILogger logger, string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            Log.WorkerConsole(logger, line);
        }
    }

    private static string DotnetPath()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)
            ? hostPath
            : "dotnet";
    }
}
