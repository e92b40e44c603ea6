using System.Diagnostics;
using System.Net;

namespace Valar.DevHost.Tests.Hosting;

/// <summary>Each test starts its own host: they end or crash workers.</summary>
[Collection(DevHostCollection.Name)]
public sealed class WorkerLifecycleTests
{
    [Fact]
    public async Task Post_WorkerCrashes_RequestGets502AndHostRestartsWorkerSayingWhy()
    {
        await using var host = await DevHostProcess.StartAsync();
        using var client = DevHostFixture.NewClient(host);
        var firstWorker = Assert.Single(host.WorkerProcessIds);

        using var crash = await client.PostAsync(new Uri("test/crash", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadGateway, crash.StatusCode);
        await host.WaitForOutputAsync($"Worker process {firstWorker} exited unexpectedly with exit code 3; restarting it");
        await host.WaitForOutputAsync("Worker restarted: 9 functions loaded");
        Assert.Equal(2, host.WorkerProcessIds.Count);
        using var next = await client.GetAsync(new Uri("test/items/7", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("item 7", await next.Content.ReadAsStringAsync());
        Assert.False(DevHostProcess.IsRunning(firstWorker));
    }

    [Fact]
    public async Task Sigterm_RunningHost_SendsWorkerTerminateWorkerExitsZeroNoOrphan()
    {
        await using var host = await DevHostProcess.StartAsync();
        var worker = Assert.Single(host.WorkerProcessIds);
        Assert.True(DevHostProcess.IsRunning(worker));

        var exitCode = await host.TerminateAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains($"Sending WorkerTerminate to worker process {worker}", host.Output, StringComparison.Ordinal);
        Assert.Contains($"Worker process {worker} exited with code 0", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Killing worker process", host.Output, StringComparison.Ordinal);
        Assert.False(DevHostProcess.IsRunning(worker));
    }

    [Fact]
    public async Task Sigterm_DuringALongInvocation_CancelsItAndWorkerExitsZeroWithinTheGracePeriod()
    {
        await using var host = await DevHostProcess.StartAsync(environment: new Dictionary<string, string> { ["CANCEL_MARKER_DIRECTORY"] = Path.GetTempPath() });
        using var client = DevHostFixture.NewClient(host);
        var worker = Assert.Single(host.WorkerProcessIds);
        var id = Guid.NewGuid().ToString("N");
        var started = Path.Combine(Path.GetTempPath(), id + ".started");
        var call = client.GetAsync(new Uri("test/wait-for-cancel/" + id, UriKind.Relative));
        var clock = Stopwatch.StartNew();
        while (!File.Exists(started))
        {
            Assert.True(clock.Elapsed < DevHostProcess.Liveness);
            await Task.Delay(50);
        }

        var exitCode = await host.TerminateAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("Shutting down: cancelling 1 running invocations", host.Output, StringComparison.Ordinal);
        Assert.Contains($"Worker process {worker} exited with code 0", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Killing worker process", host.Output, StringComparison.Ordinal);
        Assert.False(DevHostProcess.IsRunning(worker));
        var cancelled = Path.Combine(Path.GetTempPath(), id + ".cancelled");
        Assert.StartsWith("invocation-cancelled=True;", await File.ReadAllTextAsync(cancelled), StringComparison.Ordinal);
        try
        {
            // The worker ends a cancelled invocation's response as it stands (here an empty 200): an answer, not a hang.
            using var response = await call.WaitAsync(DevHostProcess.Liveness);
            Assert.DoesNotContain("not cancelled", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            // The connection closed under the request: also an answer, not a hang.
        }

        File.Delete(started);
        File.Delete(cancelled);
    }

    [Fact]
    public async Task Sigkill_Host_WorkerDiesWithIt()
    {
        await using var host = await DevHostProcess.StartAsync();
        var worker = Assert.Single(host.WorkerProcessIds);

        await host.KillHostAsync();

        Assert.True(await DevHostProcess.WaitForExitAsync(worker), $"worker {worker} outlived its host");
    }

    [Fact]
    public async Task CtrlC_ToTheHostsProcessGroup_WorkerStillStopsThroughWorkerTerminate()
    {
        await using var host = await DevHostProcess.StartAsync(ownProcessGroup: true);
        var worker = Assert.Single(host.WorkerProcessIds);

        var exitCode = await host.InterruptProcessGroupAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains($"Sending WorkerTerminate to worker process {worker}", host.Output, StringComparison.Ordinal);
        Assert.Contains($"Worker process {worker} exited with code 0", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("exited unexpectedly", host.Output, StringComparison.Ordinal);
        Assert.False(DevHostProcess.IsRunning(worker));
    }
}
