namespace Valar.Validation.Tests;

/// <summary>Waits for things a test does not control the timing of, with bounds that only a hang can reach.</summary>
internal static class Eventually
{
    /// <summary>Long enough for any healthy step on a loaded 2-core machine; reached only by a hang.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="Bound"/>.</summary>
    public static async Task HoldsAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"gave up waiting: {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Asserts that <paramref name="task"/> has not finished, after letting any continuation that the last clock
    /// advance released run on the real clock.
    /// </summary>
    public static async Task StillRunningAsync(Task task, string what)
    {
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(200)));
        Assert.False(task.IsCompleted, $"finished too early: {what}");
    }
}
