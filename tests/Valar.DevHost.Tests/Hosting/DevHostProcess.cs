using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Valar.DevHost.Tests.Hosting;

/// <summary>
/// The real host as a process (<c>dotnet Valar.DevHost.dll --port 0 --app &lt;test worker&gt;</c>): waits for its ready
/// line, keeps its output, and on dispose kills the host PID and the worker PIDs it reported — only those.
/// </summary>
public sealed partial class DevHostProcess : IAsyncDisposable
{
    public static readonly TimeSpan Liveness = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DevHostProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public Uri BaseAddress { get; private set; } = null!;

    public string ReadyLine { get; private set; } = string.Empty;

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static string TestWorkerDirectory => Metadata("TestWorkerDirectory");

    public static string DevHostAssembly => Metadata("DevHostAssembly");

    /// <param name="ownProcessGroup">
    /// Start the host as the leader of a new session (<c>setsid dotnet ...</c>, the same PID), as a shell starts a
    /// foreground command: then <see cref="InterruptProcessGroupAsync"/> can send what a terminal's Ctrl+C sends.
    /// </param>
    public static async Task<DevHostProcess> StartAsync(
        string? settingsPath = null,
        IReadOnlyDictionary<string, string>? environment = null,
        bool ownProcessGroup = false)
    {
        var start = new ProcessStartInfo(ownProcessGroup ? "setsid" : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (ownProcessGroup)
        {
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(DevHostAssembly);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add("--app");
        start.ArgumentList.Add(TestWorkerDirectory);
        if (settingsPath is not null)
        {
            start.ArgumentList.Add("--settings");
            start.ArgumentList.Add(settingsPath);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var host = new DevHostProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        host._process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        try
        {
            var exited = host._process.WaitForExitAsync();
            var first = await Task.WhenAny(host._ready.Task, exited).WaitAsync(Liveness);
            if (first != host._ready.Task)
            {
                throw new InvalidOperationException("The host exited before it was ready:\n" + host.Output);
            }

            host.BaseAddress = await host._ready.Task;
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the host with <paramref name="arguments"/> until it exits by itself (bounded): for arguments it refuses.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DevHostAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Liveness);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: false);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The PIDs of every worker this host said it started.</summary>
    public IReadOnlyList<int> WorkerProcessIds =>
        _lines.Select(line => WorkerStartedPattern().Match(line))
            .Where(match => match.Success)
            .Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>Waits (bounded) until the output holds a line containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? Liveness;
        while (!_lines.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"No line containing '{text}' within {limit}:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM to the host's PID only (not its process group), as a service manager or a container runtime sends.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(Liveness);
        return _process.ExitCode;
    }

    /// <summary>SIGINT to the host's whole process group (a terminal's Ctrl+C); only for a host started with its own group.</summary>
    public async Task<int> InterruptProcessGroupAsync()
    {
        using (var kill = Process.Start("kill", ["-INT", "--", "-" + Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(Liveness);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL to the host's PID: no handler runs, no WorkerTerminate is sent.</summary>
    public async Task KillHostAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync().WaitAsync(Liveness);
    }

    /// <summary>Waits (bounded) until <paramref name="processId"/> has gone.</summary>
    public static async Task<bool> WaitForExitAsync(int processId)
    {
        var clock = Stopwatch.StartNew();
        while (IsRunning(processId))
        {
            if (clock.Elapsed > Liveness)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    public static bool IsRunning(int processId) => Directory.Exists("/proc/" + processId.ToString(CultureInfo.InvariantCulture));

    /// <summary>A value from /proc/&lt;pid&gt;/status in bytes (VmHWM: peak resident set; VmRSS: current).</summary>
    public long ReadStatusBytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kilobytes = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{Id}/status has no {field}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync().WaitAsync(Liveness);
            }
        }
        catch (InvalidOperationException)
        {
            // It had exited.
        }

        foreach (var workerId in WorkerProcessIds)
        {
            try
            {
                using var worker = Process.GetProcessById(workerId);
                if (IsRunning(workerId) && worker.ProcessName == "dotnet")
                {
                    worker.Kill(entireProcessTree: false);
                }
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
            catch (InvalidOperationException)
            {
                // Gone already.
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        var match = ReadyPattern().Match(line);
        if (match.Success)
        {
            ReadyLine = line;
            _ready.TrySetResult(new Uri(match.Groups[1].Value + "/"));
        }
    }

    private static string Metadata(string key) =>
        Path.GetFullPath(typeof(DevHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);

    [GeneratedRegex(@"^Valar\.DevHost: \d+ functions loaded; listening on (http://127\.0\.0\.1:\d+)$")]
    private static partial Regex ReadyPattern();

    [GeneratedRegex(@"Started worker process (\d+) ")]
    private static partial Regex WorkerStartedPattern();
}
