using System.Diagnostics.CodeAnalysis;

namespace Valar.Validation;

/// <summary>A request's verdict: the report of a valid request, or the first failure in check order.</summary>
public sealed class ValidationOutcome
{
    private ValidationOutcome(ValidationReport? report, ValidationError? error)
    {
        Report = report;
        Error = error;
    }

    public ValidationReport? Report { get; }

    public ValidationError? Error { get; }

    [MemberNotNullWhen(true, nameof(Report))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Report is not null;

    public static ValidationOutcome Valid(ValidationReport report) => new(report, null);

    public static ValidationOutcome Invalid(ValidationError error) => new(null, error);
}
