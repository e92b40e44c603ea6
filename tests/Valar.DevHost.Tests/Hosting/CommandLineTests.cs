using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Valar.DevHost.Tests.Hosting;

[Collection(DevHostCollection.Name)]
public sealed class CommandLineTests
{
    [Fact]
    public async Task Run_PortInUse_ExitsOneWithOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var (exitCode, output) = await DevHostProcess.RunToExitAsync("--port", port, "--app", DevHostProcess.TestWorkerDirectory);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Valar.DevHost: cannot listen on 127.0.0.1:{port}: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Started worker process", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoWorkerConfig_ExitsTwoNamingTheFile()
    {
        var empty = Directory.CreateTempSubdirectory("valar-devhost-empty-").FullName;
        try
        {
            var (exitCode, output) = await DevHostProcess.RunToExitAsync("--port", "0", "--app", empty);

            Assert.Equal(2, exitCode);
            Assert.Equal($"Valar.DevHost: '{Path.Combine(empty, "worker.config.json")}' does not exist", output.Trim());
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Run_NoApp_ExitsTwoWithUsage()
    {
        var (exitCode, output) = await DevHostProcess.RunToExitAsync("--port", "0");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Valar.DevHost: --app is required\nusage: Valar.DevHost --app ", output, StringComparison.Ordinal);
    }
}
