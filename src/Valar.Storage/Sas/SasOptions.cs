namespace Valar.Storage;

/// <summary>Lifetime and protocol of the signed URLs we issue.</summary>
public sealed record SasOptions
{
    /// <summary><c>se</c> = now + this.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>st</c> = now − this, so a client whose clock runs behind can use the URL at once.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Development only (Azurite over http): signs <c>spr=https,http</c> instead of <c>spr=https</c>.
    /// </summary>
    public bool AllowHttp { get; init; }
}
