namespace Valar.Storage.Tests.Fakes;

/// <summary>A clock stuck at one instant, for exact SAS strings and already-expired URLs.</summary>
internal sealed class FixedTimeProvider : TimeProvider
{
    private readonly DateTimeOffset _now;

    public FixedTimeProvider(DateTimeOffset now)
    {
        _now = now;
    }

    public override DateTimeOffset GetUtcNow() => _now;
}
