namespace Valar.Validation.Images;

/// <summary>The outcome of <see cref="ImageInspector.Inspect"/>.</summary>
public enum InspectionStatus
{
    /// <summary>A supported format whose header was read; <see cref="ImageInspection.Info"/> is set.</summary>
    Recognized,

    /// <summary>
    /// The bytes so far are consistent with a supported format but do not reach its size fields; read at least
    /// <see cref="ImageInspection.MinimumBytesNeeded"/> bytes and inspect again. Only returned when the data is not complete.
    /// </summary>
    NeedMoreData,

    /// <summary>Not JPEG, PNG, GIF or WebP; <see cref="ImageInspection.DetectedMediaType"/> names what it is when that is known.</summary>
    Unsupported,

    /// <summary>Starts like a supported format but the header is truncated or inconsistent; <see cref="ImageInspection.Problem"/> says how.</summary>
    Invalid,
}
