using System.Text;

namespace Valar.Storage;

/// <summary>The parts every blob SAS shares: version, resource, permissions, times, canonical resource, query.</summary>
internal static class BlobSas
{
    /// <summary><c>sv</c>, pinned (DESIGN.md §8).</summary>
    internal const string Version = "2020-12-06";

    /// <summary><c>sr=b</c>: one blob.</summary>
    internal const string BlobResource = "b";

    internal static string FormatPermissions(BlobSasPermissions permissions)
    {
        if (permissions == BlobSasPermissions.None)
        {
            throw new ArgumentOutOfRangeException(nameof(permissions), "A SAS needs at least one permission.");
        }

        var builder = new StringBuilder(5);
        if (permissions.HasFlag(BlobSasPermissions.Read))
        {
            builder.Append('r');
        }

        if (permissions.HasFlag(BlobSasPermissions.Add))
        {
            builder.Append('a');
        }

        if (permissions.HasFlag(BlobSasPermissions.Create))
        {
            builder.Append('c');
        }

        if (permissions.HasFlag(BlobSasPermissions.Write))
        {
            builder.Append('w');
        }

        if (permissions.HasFlag(BlobSasPermissions.Delete))
        {
            builder.Append('d');
        }

        return builder.ToString();
    }

    internal static string Protocol(SasOptions options) => options.AllowHttp ? "https,http" : "https";

    /// <summary><c>/blob/{account}/{container}/{blob}</c>, with the blob name unescaped.</summary>
    internal static string CanonicalResource(string accountName, string container, string blob) =>
        $"/blob/{accountName}/{container}/{blob}";

    internal static (DateTimeOffset StartsOn, DateTimeOffset ExpiresOn) Window(TimeProvider timeProvider, SasOptions options)
    {
        if (options.Lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Lifetime, "SAS lifetime must be positive.");
        }

        var now = TruncateToSeconds(timeProvider.GetUtcNow());
        return (now - options.ClockSkew, now + options.Lifetime);
    }

    internal static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    internal static SignedBlobUri ToUri(
        Uri blobUri,
        IEnumerable<(string Name, string Value)> parameters,
        BlobSasPermissions permissions,
        DateTimeOffset startsOn,
        DateTimeOffset expiresOn)
    {
        var query = string.Join('&', parameters
            .Where(p => p.Value.Length > 0)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
        return new SignedBlobUri(new Uri($"{blobUri.AbsoluteUri}?{query}"), permissions, startsOn, expiresOn);
    }
}
