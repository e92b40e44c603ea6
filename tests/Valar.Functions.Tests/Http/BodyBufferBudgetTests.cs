using Microsoft.Extensions.Time.Testing;
using Valar.Functions.Http;

namespace Valar.Functions.Tests.Http;

public sealed class BodyBufferBudgetTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TryReserve_WithinCapacity_GrantsAtOnce()
    {
        var budget = new BodyBufferBudget(100);

        Assert.True(await budget.TryReserveAsync(60, Long));
        Assert.True(await budget.TryReserveAsync(40, Long));
        Assert.Equal(100, budget.InUseBytes);
    }

    [Fact]
    public async Task TryReserve_WhenFull_WaitsForReleaseInArrivalOrder()
    {
        var budget = new BodyBufferBudget(100);
        Assert.True(await budget.TryReserveAsync(100, Long));

        var first = budget.TryReserveAsync(70, Long);
        var second = budget.TryReserveAsync(20, Long);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        budget.Release(100);

        Assert.True(await first);
        Assert.True(await second);
        Assert.Equal(90, budget.InUseBytes);
    }

    [Fact]
    public async Task TryReserve_SmallRequestBehindALargeWaiter_DoesNotJumpTheQueue()
    {
        var budget = new BodyBufferBudget(100);
        Assert.True(await budget.TryReserveAsync(50, Long));
        var large = budget.TryReserveAsync(80, Long);

        var small = budget.TryReserveAsync(10, Long);

        Assert.False(small.IsCompleted);
        budget.Release(50);
        Assert.True(await large);
        Assert.True(await small);
    }

    [Fact]
    public async Task TryReserve_NoRoomWithinWait_ReturnsFalseAtTheEndOfTheWaitAndLeavesNothingHeld()
    {
        var clock = new FakeTimeProvider();
        var budget = new BodyBufferBudget(100, clock);
        Assert.True(await budget.TryReserveAsync(100, Long));

        var waiting = budget.TryReserveAsync(1, TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        budget.Release(100);
        Assert.Equal(0, budget.InUseBytes);
    }

    [Fact]
    public async Task TryReserve_Cancelled_ThrowsAndLeavesNothingHeld()
    {
        var budget = new BodyBufferBudget(100);
        Assert.True(await budget.TryReserveAsync(100, Long));
        using var cancellation = new CancellationTokenSource();

        var waiting = budget.TryReserveAsync(30, Long, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        budget.Release(100);
        Assert.Equal(0, budget.InUseBytes);
    }

    [Fact]
    public async Task TryReserve_LargerThanCapacity_TakesTheWholeBudget()
    {
        var budget = new BodyBufferBudget(100);

        Assert.True(await budget.TryReserveAsync(500, Long));

        Assert.Equal(100, budget.InUseBytes);
        budget.Release(500);
        Assert.Equal(0, budget.InUseBytes);
    }
}
