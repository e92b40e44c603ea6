namespace Valar.Validation.Models;

/// <summary>
/// Estimates the vision tokens Kimi K2.5/K2.6 spend on one image, as sglang's <c>kimi_k25.py</c> processor computes them.
/// </summary>
/// <remarks>
/// Port of <c>navit_resize_config</c> in sgl-project/sglang <c>python/sglang/srt/multimodal/processors/kimi_k25.py</c>
/// (commit 0c9020e20df943d4c531042f44ad3c275b023097):
/// <code>
/// s1 = sqrt(in_patch_limit / (max(1.0, width // patch) * max(1.0, height // patch)))
/// s2 = patch_limit_on_one_side * patch / width;  s3 = ... / height
/// scale = min(1.0, s1, s2, s3)
/// new_w = min(max(1, int(width * scale)), patch_limit_on_one_side * patch)   # int() truncates
/// tokens = ceil(new_h / 28) * ceil(new_w / 28)
/// </code>
/// The doubles below round exactly as Python's floats do, so truncation lands on the same side (e.g. 1x100000 scales
/// to a height of 7167, not 7168). The <c>max(1, ...)</c> guards keep images under 14 pixels from dividing by zero.
/// </remarks>
public static class KimiVisionTokenEstimator
{
    /// <summary>Pixels per side of one vision patch.</summary>
    public const int PatchSize = 14;

    /// <summary>Patches merged per side into one token (2x2).</summary>
    public const int MergeKernelSize = 2;

    /// <summary>The most patches an image may cover before it is scaled down (<c>in_patch_limit</c>).</summary>
    public const int InPatchLimit = 16384;

    /// <summary>The most patches along one side (<c>patch_limit_on_one_side</c>): 512 x 14 = 7168 pixels.</summary>
    public const int PatchLimitOnOneSide = 512;

    private const int MaxSide = PatchLimitOnOneSide * PatchSize;
    private const int TokenSide = MergeKernelSize * PatchSize;

    /// <summary>The number of image tokens for an image of the given size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is zero or negative.</exception>
    public static long EstimateTokens(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);

        // Python multiplies the floor-divided patch counts as integers; a long keeps that exact.
        var patches = (long)Math.Max(1, width / PatchSize) * Math.Max(1, height / PatchSize);
        var byArea = Math.Sqrt(InPatchLimit / (double)patches);
        var byWidth = MaxSide / (double)width;
        var byHeight = MaxSide / (double)height;
        var scale = Math.Min(Math.Min(1.0, byArea), Math.Min(byWidth, byHeight));

        var scaledWidth = Math.Min(Math.Max(1L, (long)(width * scale)), MaxSide);
        var scaledHeight = Math.Min(Math.Max(1L, (long)(height * scale)), MaxSide);
        return CeilingDivide(scaledHeight, TokenSide) * CeilingDivide(scaledWidth, TokenSide);
    }

    private static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;
}
