using System.Diagnostics.CodeAnalysis;
using Valar.Validation.Images;

namespace Valar.Validation;

/// <summary>The outcome of checks 6–8 on one image's content: its facts, or the first failure.</summary>
public readonly struct ImageCheckResult
{
    private ImageCheckResult(ImageInfo? info, long bytes, ValidationError? error)
    {
        Info = info;
        Bytes = bytes;
        Error = error;
    }

    public ImageInfo? Info { get; }

    /// <summary>Decoded size in bytes (known even when a later check failed).</summary>
    public long Bytes { get; }

    public ValidationError? Error { get; }

    [MemberNotNullWhen(true, nameof(Info))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    public static ImageCheckResult Valid(ImageInfo info, long bytes) => new(info, bytes, null);

    public static ImageCheckResult Invalid(ValidationError error, long bytes = 0) => new(null, bytes, error);
}
