using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Valar.Testing.Azurite;

namespace Valar.Functions.Tests.Hosting;

/// <summary>
/// The real isolated worker behind the local Functions host (tools/Valar.DevHost): the host process started on
/// <c>--port 0</c> with the app's build output (or the published package) and a <c>local.settings.json</c> of its own,
/// whose <c>Values</c> become the worker's environment. Ready when the host prints its one ready line; the start cost
/// is measured from process start to that line, and to the first 200 from <c>/healthz</c>. Stops the host with SIGTERM
/// (it sends WorkerTerminate and waits for the worker) and kills only the process it started, by id, if that hangs.
/// </summary>
public sealed partial class FunctionsHost : IAsyncDisposable
{
    private const int KeptLines = 2000;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    /// <summary>Hosts started and not yet stopped; a fixture that failed half-way cannot leave one running after the test run.</summary>
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static FunctionsHost() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    };

    private readonly Process _process;
    private readonly string _settingsFolder;
    private readonly ConcurrentQueue<string> _lines;

    private FunctionsHost(Process process, string settingsFolder, ConcurrentQueue<string> lines, Uri baseUri, TimeSpan ready, TimeSpan firstOk)
    {
        _process = process;
        _settingsFolder = settingsFolder;
        _lines = lines;
        BaseUri = baseUri;
        StartToReady = ready;
        StartToFirstOk = firstOk;
    }

    public Uri BaseUri { get; }

    /// <summary>From starting the host process to its ready line (worker launched, handshake, every function loaded).</summary>
    public TimeSpan StartToReady { get; }

    /// <summary>From starting the host process to the first 200 from <c>/healthz</c> through it.</summary>
    public TimeSpan StartToFirstOk { get; }

    /// <summary>The host's output so far (its own lines and the worker's logs it prints), newest last, bounded.</summary>
    public IReadOnlyCollection<string> Output => _lines.ToArray();

    /// <summary>The test run's build configuration (Debug or Release), read from where this assembly was built.</summary>
    public static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The app's build output for this configuration (a project reference builds it with the tests).</summary>
    public static string BuildOutput => Path.Combine(AzuriteFixture.FindRepositoryRoot(), "src", "Valar.Functions", "bin", Configuration, "net10.0");

    public static string HostAssembly => Path.Combine(AzuriteFixture.FindRepositoryRoot(), "tools", "Valar.DevHost", "bin", Configuration, "net10.0", "Valar.DevHost.dll");

    /// <param name="values">Settings for the worker (<c>Values</c> of the host's local.settings.json), e.g. <c>Valar__MaxRequestBodyBytes</c>.</param>
    /// <param name="appFolder">The app folder; the build output unless given.</param>
    /// <param name="hostArguments">More switches for the host, e.g. <c>--blob-poll 0.2</c>.</param>
    public static async Task<FunctionsHost> StartAsync(IReadOnlyDictionary<string, string>? values = null, string? appFolder = null, IReadOnlyList<string>? hostArguments = null)
    {
        appFolder ??= BuildOutput;
        if (!File.Exists(Path.Combine(appFolder, "functions.metadata")))
        {
            throw new InvalidOperationException($"{appFolder} holds no functions.metadata: build src/Valar.Functions first.");
        }

        if (!File.Exists(HostAssembly))
        {
            throw new InvalidOperationException($"{HostAssembly} is missing: build tools/Valar.DevHost first.");
        }

        // Quiet by default: per-request Information lines would only fill the pipe.
        var settingValues = new Dictionary<string, string>
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            settingValues[name] = value;
        }

        var settingsFolder = Directory.CreateTempSubdirectory("valar-host-").FullName;
        var settingsPath = Path.Combine(settingsFolder, "local.settings.json");
        await File.WriteAllTextAsync(settingsPath, JsonSerializer.Serialize(new { IsEncrypted = false, Values = settingValues }));

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = appFolder,
        };
        foreach (var argument in new[] { HostAssembly, "--port", "0", "--app", appFolder, "--settings", settingsPath }.Concat(hostArguments ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        var lines = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        Running[process.Id] = process;
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lines.Enqueue(line);
            while (lines.Count > KeptLines && lines.TryDequeue(out _))
            {
            }

            if (line.StartsWith("Valar.DevHost: ", StringComparison.Ordinal) && ReadyLine().Match(line) is { Success: true } match)
            {
                ready.TrySetResult(new Uri(match.Groups["url"].Value + "/"));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(ready.Task, exited, Task.Delay(StartLimit));
            if (first != ready.Task)
            {
                throw new InvalidOperationException(
                    (process.HasExited ? $"The local host exited with {process.ExitCode} before it was ready." : $"The local host was not ready within {StartLimit.TotalSeconds} s.")
                    + "\n" + string.Join("\n", lines.TakeLast(60)));
            }

            var baseUri = await ready.Task;
            var toReady = clock.Elapsed;
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            for (var attempt = 0; ; attempt++)
            {
                using var health = await client.GetAsync(new Uri(baseUri, "healthz"));
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }

                if (attempt == 50)
                {
                    throw new InvalidOperationException($"/healthz answered {(int)health.StatusCode} after the ready line.\n" + string.Join("\n", lines.TakeLast(60)));
                }

                await Task.Delay(100);
            }

            return new FunctionsHost(process, settingsFolder, lines, baseUri, toReady, clock.Elapsed);
        }
        catch
        {
            await StopAsync(process);
            process.Dispose();
            Directory.Delete(settingsFolder, recursive: true);
            throw;
        }
    }

    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseUri, Timeout = timeout ?? TimeSpan.FromSeconds(120) };

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_process);
        _process.Dispose();
        try
        {
            Directory.Delete(_settingsFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>SIGTERM, a bounded wait for the host's clean shutdown, then a kill of that one process tree.</summary>
    private static async Task StopAsync(Process process)
    {
        Running.TryRemove(process.Id, out _);
        if (process.HasExited)
        {
            return;
        }

        using (var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await signal!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [GeneratedRegex(@"functions loaded; listening on (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ReadyLine();
}
