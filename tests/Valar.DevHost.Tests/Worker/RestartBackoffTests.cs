using Valar.DevHost.Worker;

namespace Valar.DevHost.Tests.Worker;

public sealed class RestartBackoffTests
{
    private static readonly TimeSpan Young = TimeSpan.FromSeconds(2);

    [Fact]
    public void NextDelay_WorkersDyingYoung_DoublesUpToTheMaximum()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.NextDelay(Young).TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
    }

    [Fact]
    public void NextDelay_AfterAHealthyWorker_StartsAgainFromTheMinimum()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        backoff.NextDelay(Young);
        backoff.NextDelay(Young);
        backoff.NextDelay(Young);

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay(TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.NextDelay(Young));
    }
}
