namespace Valar.DevHost.Worker;

/// <summary>
/// The wait before the next worker start: the minimum, doubled after each worker that died young, capped at the
/// maximum, and back to the minimum after a worker that ran for <c>healthyRunTime</c>.
/// </summary>
public sealed class RestartBackoff
{
    private readonly TimeSpan _minimum;
    private readonly TimeSpan _maximum;
    private readonly TimeSpan _healthyRunTime;
    private TimeSpan _next;

    public RestartBackoff(TimeSpan minimum, TimeSpan maximum, TimeSpan healthyRunTime)
    {
        _minimum = minimum;
        _maximum = maximum;
        _healthyRunTime = healthyRunTime;
        _next = minimum;
    }

    public TimeSpan NextDelay(TimeSpan workerRanFor)
    {
        if (workerRanFor >= _healthyRunTime)
        {
            _next = _minimum;
        }

        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, _maximum.Ticks));
        return delay;
    }
}
