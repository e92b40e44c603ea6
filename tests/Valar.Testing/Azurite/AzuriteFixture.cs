using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Xunit;

namespace Valar.Testing.Azurite;

/// <summary>
/// Starts the repo's pinned Azurite (blob and queue services; table on a port nobody uses) on free loopback ports, waits until it answers,
/// and kills only the process tree it started. Data lives in a temp folder so <see cref="StopAsync"/> +
/// <see cref="StartAsync"/> keeps it (fault tests stop storage mid-operation). Share via ICollectionFixture.
/// </summary>
public class AzuriteFixture : IAsyncLifetime
{
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's published development key; not a secret.</summary>
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartupDeadline = TimeSpan.FromSeconds(30);
    private static readonly SemaphoreSlim NpmCiGate = new(1, 1);

    private readonly bool _useHttpsWithOAuth;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _dataDirectory;
    private TestCertificate? _certificate;

    public AzuriteFixture()
        : this(useHttpsWithOAuth: false)
    {
    }

    /// <param name="useHttpsWithOAuth">
    /// Serve HTTPS with a self-signed certificate made in-process and accept bearer tokens (<c>--oauth basic</c>),
    /// which user delegation keys need.
    /// </param>
    protected AzuriteFixture(bool useHttpsWithOAuth)
    {
        _useHttpsWithOAuth = useHttpsWithOAuth;
    }

    public int Port { get; private set; }

    /// <summary>The queue service's port (the local host's poison queue lives there).</summary>
    public int QueuePort { get; private set; }

    private int TablePort { get; set; }

    /// <summary>Path-style queue endpoint, e.g. <c>http://127.0.0.1:50124/devstoreaccount1</c>.</summary>
    public Uri QueueEndpoint => new($"{(IsHttps ? "https" : "http")}://127.0.0.1:{QueuePort}/{AccountName}");

    public bool IsHttps => _useHttpsWithOAuth;

    /// <summary>Path-style endpoint, e.g. <c>http://127.0.0.1:50123/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint => new($"{(IsHttps ? "https" : "http")}://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol={(IsHttps ? "https" : "http")};AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};";

    /// <summary>The self-signed server certificate (HTTPS mode only).</summary>
    public X509Certificate2? Certificate => _certificate?.Certificate;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// A handler for clients of this Azurite: no proxy, and in HTTPS mode it trusts exactly this fixture's
    /// certificate (pinned by thumbprint), nothing else.
    /// </summary>
    public SocketsHttpHandler CreateHttpHandler()
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        if (_certificate is { } certificate)
        {
            var thumbprint = certificate.Certificate.GetCertHashString();
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null &&
                    string.Equals(presented.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase),
            };
        }

        return handler;
    }

    public async Task InitializeAsync()
    {
        Port = FreeLoopbackPort();
        QueuePort = FreeLoopbackPort();
        TablePort = FreeLoopbackPort();
        _dataDirectory = Directory.CreateTempSubdirectory("valar-azurite-").FullName;
        if (_useHttpsWithOAuth)
        {
            _certificate = TestCertificate.Create(_dataDirectory);
        }

        await StartAsync().ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _certificate?.Dispose();
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A straggling file handle must not fail the test run; the folder is under temp.
            }
        }
    }

    /// <summary>Starts Azurite on <see cref="Port"/> (the same port after a stop) and waits until it answers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        var executable = await FindAzuriteAsync(cancellationToken).ConfigureAwait(false);
        var arguments = new List<string>
        {
            "--blobHost", "127.0.0.1",
            "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1",
            "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1",
            "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", _dataDirectory!,
            "--silent",
            "--disableTelemetry",
            "--skipApiVersionCheck",
        };
        if (_certificate is { } certificate)
        {
            arguments.AddRange(["--cert", certificate.CertificatePath, "--key", certificate.KeyPath, "--oauth", "basic"]);
        }

        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dataDirectory!,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        lock (_output)
        {
            _output.Clear();
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {executable}.");
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilAnsweringAsync(process, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the Azurite this fixture started, gracefully (SIGTERM, so it saves its metadata and a later
    /// <see cref="StartAsync"/> finds every blob), then kills its process tree if it has not exited within 10 s.
    /// </summary>
    public Task StopAsync() => StopCoreAsync(graceful: true);

    /// <summary>Kills the Azurite process tree this fixture started at once, like a crash: writes of the last seconds may be lost.</summary>
    public Task KillAsync() => StopCoreAsync(graceful: false);

    private async Task StopCoreAsync(bool graceful)
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            if (graceful && !process.HasExited && await SignalTerminateAsync(process.Id).ConfigureAwait(false))
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>SIGTERM to exactly one pid (ours); .NET has no managed API for it, so use kill(1).</summary>
    private static async Task<bool> SignalTerminateAsync(int processId)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            var startInfo = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
            startInfo.ArgumentList.Add("-TERM");
            startInfo.ArgumentList.Add(processId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var kill = Process.Start(startInfo);
            if (kill is null)
            {
                return false;
            }

            await kill.WaitForExitAsync().ConfigureAwait(false);
            return kill.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The folder holding Valar.Functions.sln, found by walking up from the test binaries.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Valar.Functions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Valar.Functions.sln above {AppContext.BaseDirectory}.");
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 16_384)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task WaitUntilAnsweringAsync(Process process, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartupDeadline);
        using var client = new HttpClient(CreateHttpHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        var probe = new Uri($"{BlobEndpoint}?comp=list");
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before answering on port {Port}:\n{Output()}");
            }

            try
            {
                // Any HTTP answer (403 without credentials) means the blob service is up.
                using var response = await client.GetAsync(probe, deadline.Token).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await StopAsync().ConfigureAwait(false);
                throw new TimeoutException($"Azurite did not answer on port {Port} within {StartupDeadline.TotalSeconds} s:\n{Output()}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await StopAsync().ConfigureAwait(false);
                throw new TimeoutException($"Azurite did not answer on port {Port} within {StartupDeadline.TotalSeconds} s:\n{Output()}");
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static async Task<string> FindAzuriteAsync(CancellationToken cancellationToken)
    {
        var root = FindRepositoryRoot();
        var executable = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (File.Exists(executable))
        {
            return executable;
        }

        await NpmCiGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!File.Exists(executable))
            {
                await RunNpmCiAsync(root, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            NpmCiGate.Release();
        }

        return File.Exists(executable)
            ? executable
            : throw new InvalidOperationException($"npm ci did not install {executable}.");
    }

    private static async Task RunNpmCiAsync(string root, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("ci");
        startInfo.ArgumentList.Add("--no-audit");
        startInfo.ArgumentList.Add("--no-fund");
        using var npm = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start npm.");
        var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await npm.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw;
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed with {npm.ExitCode}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
