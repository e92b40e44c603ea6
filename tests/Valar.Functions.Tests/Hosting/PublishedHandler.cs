using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Valar.Testing.Azurite;

namespace Valar.Functions.Tests.Hosting;

/// <summary>
/// The published deployable folder (scripts/publish.sh), started exactly as the Functions host starts a custom
/// handler: the executable named by host.json's defaultExecutablePath, in its workingDirectory, with
/// FUNCTIONS_CUSTOMHANDLER_PORT set. Kills only the process it started.
/// </summary>
public sealed class PublishedHandler : IAsyncDisposable
{
    private static readonly SemaphoreSlim PublishLock = new(1, 1);

    private readonly Process _process;

    private PublishedHandler(Process process, Uri baseUri, TimeSpan coldStart)
    {
        _process = process;
        BaseUri = baseUri;
        ColdStart = coldStart;
    }

    public Uri BaseUri { get; }

    /// <summary>From process start to the first 200 from /healthz.</summary>
    public TimeSpan ColdStart { get; }

    public static string PackageFolder => Path.Combine(AzuriteFixture.FindRepositoryRoot(), "artifacts", "functionapp");

    /// <summary>
    /// Publishes the package unless an up-to-date one exists (scripts/test.sh publishes first, because publishing
    /// needs the package feed and the tests run without a network).
    /// </summary>
    public static async Task EnsurePublishedAsync()
    {
        await PublishLock.WaitAsync();
        try
        {
            await PublishIfStaleAsync();
        }
        finally
        {
            PublishLock.Release();
        }
    }

    private static async Task PublishIfStaleAsync()
    {
        var root = AzuriteFixture.FindRepositoryRoot();
        var published = new FileInfo(Path.Combine(PackageFolder, "app", "Valar.Functions.dll"));
        var newestSource = new[] { "src", "functions" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(root, "host.json"))
            .Max(File.GetLastWriteTimeUtc);
        if (published.Exists && published.LastWriteTimeUtc >= newestSource)
        {
            return;
        }

        using var publish = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "publish.sh")])
        {
            WorkingDirectory = root,
            Environment = { ["SKIP_ZIP"] = "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await publish.WaitForExitAsync(timeout.Token);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/publish.sh failed ({publish.ExitCode}):\n{await output}\n{await errors}");
        }
    }

    public static async Task<PublishedHandler> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        using var hostJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(PackageFolder, "host.json")));
        var description = hostJson.RootElement.GetProperty("customHandler").GetProperty("description");
        var executable = Path.Combine(PackageFolder, description.GetProperty("defaultExecutablePath").GetString()!);
        var workingDirectory = Path.Combine(PackageFolder, description.GetProperty("workingDirectory").GetString()!);
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The handler exited with {process.ExitCode} before answering.");
            }

            try
            {
                using var health = await client.GetAsync(new Uri(baseUri, "healthz"));
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return new PublishedHandler(process, baseUri, stopwatch.Elapsed);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(20);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The handler did not answer /healthz within the host's 30 s start limit.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
