using System.Diagnostics.CodeAnalysis;

namespace Valar.Validation;

/// <summary>
/// A request's verdict: the report of a valid request, or the first failure in check order. A valid outcome may also
/// hold the checked bytes of its URL images (<see cref="Downloads"/>), in pooled buffers given back on <see cref="Dispose"/>.
/// </summary>
public sealed class ValidationOutcome : IDisposable
{
    private IReadOnlyList<IDisposable> _owned;

    private ValidationOutcome(ValidationReport? report, ValidationError? error, IReadOnlyList<DownloadedImage> downloads, IReadOnlyList<IDisposable> owned)
    {
        Report = report;
        Error = error;
        Downloads = downloads;
        _owned = owned;
    }

    public ValidationReport? Report { get; }

    public ValidationError? Error { get; }

    /// <summary>The URL images' checked bytes in request order, when they were asked for; otherwise empty.</summary>
    public IReadOnlyList<DownloadedImage> Downloads { get; }

    [MemberNotNullWhen(true, nameof(Report))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Report is not null;

    public static ValidationOutcome Valid(ValidationReport report) => new(report, null, [], []);

    public static ValidationOutcome Invalid(ValidationError error) => new(null, error, [], []);

    /// <summary>A valid outcome that owns <paramref name="owned"/>, which hold the memory of <paramref name="downloads"/>.</summary>
    internal static ValidationOutcome Valid(ValidationReport report, IReadOnlyList<DownloadedImage> downloads, IReadOnlyList<IDisposable> owned) =>
        new(report, null, downloads, owned);

    /// <summary>Gives the buffers of <see cref="Downloads"/> back; they must not be read afterwards.</summary>
    public void Dispose()
    {
        var owned = Interlocked.Exchange(ref _owned, []);
        foreach (var item in owned)
        {
            item.Dispose();
        }
    }
}
