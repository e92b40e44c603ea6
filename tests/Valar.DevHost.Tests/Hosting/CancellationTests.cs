using System.Diagnostics;

namespace Valar.DevHost.Tests.Hosting;

[Collection(DevHostCollection.Name)]
public sealed class CancellationTests(DevHostFixture fixture)
{
    [Fact]
    public async Task Get_ClientDisconnects_FunctionSeesItsInvocationCancelled()
    {
        var id = Guid.NewGuid().ToString("N");
        var started = Path.Combine(fixture.MarkerDirectory, id + ".started");
        var cancelled = Path.Combine(fixture.MarkerDirectory, id + ".cancelled");
        using var abort = new CancellationTokenSource();

        var call = fixture.Client.GetAsync(new Uri("test/wait-for-cancel/" + id, UriKind.Relative), abort.Token);
        await WaitForFileAsync(started);
        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await WaitForFileAsync(cancelled);
        Assert.Equal("invocation-cancelled=True; request-aborted=True", await File.ReadAllTextAsync(cancelled));
        await fixture.Host.WaitForOutputAsync("was cancelled (InvocationCancel sent)");
    }

    private static async Task WaitForFileAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            Assert.True(clock.Elapsed < DevHostProcess.Liveness, $"{path} did not appear within {DevHostProcess.Liveness}");
            await Task.Delay(50);
        }
    }
}
