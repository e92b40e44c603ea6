using Valar.Validation.Models;

namespace Valar.Validation.Tests.Models;

public sealed class KimiVisionTokenEstimatorTests
{
    // patches = max(1, w/14) * max(1, h/14); scale = min(1, sqrt(16384 / patches), 7168/w, 7168/h);
    // w' = min(max(1, trunc(w * scale)), 7168), h' likewise; tokens = ceil(h'/28) * ceil(w'/28).
    [Theory]
    // 73*73 = 5329 patches <= 16384 -> scale 1; 1024 -> ceil(1024/28) = 37; 37*37 = 1369
    [InlineData(1024, 1024, 1369)]
    // 0 patches per side -> max(1, 0) = 1; scale 1; 1x1 pads to one 28x28 token
    [InlineData(1, 1, 1)]
    // 13/14 = 0 -> 1 patch; scale 1; 13 -> ceil(13/28) = 1; 1*1 = 1
    [InlineData(13, 13, 1)]
    // 1 patch; 14 -> 1; 1*1 = 1
    [InlineData(14, 14, 1)]
    // 137*77 = 10549 <= 16384 -> scale 1; ceil(1920/28) = 69, ceil(1080/28) = 39; 69*39 = 2691
    [InlineData(1920, 1080, 2691)]
    // 512*2 = 1024 patches -> sqrt(16) = 4; 7168/7168 = 1 -> scale 1; 7168/28 = 256, 28/28 = 1; 256
    [InlineData(7168, 28, 256)]
    // transposed: 256
    [InlineData(28, 7168, 256)]
    // 7168/7169 = 0.99986 -> w' = trunc(7168.0) = 7168 (capped), h' = trunc(27.996) = 27 -> 256 * 1 = 256
    [InlineData(7169, 28, 256)]
    // 714*714 = 509796 -> sqrt(16384/509796) = 0.179272 -> trunc(1792.72) = 1792 = 64*28; 64*64 = 4096
    [InlineData(10000, 10000, 4096)]
    // 146*146 = 21316 -> sqrt(0.768624) = 0.876712 -> trunc(1795.51) = 1795 -> ceil(1795/28) = 65; 65*65 = 4225
    [InlineData(2048, 2048, 4225)]
    // 285*214 = 60990 -> sqrt(0.268634) = 0.518299 -> w' = trunc(2073.20) = 2073 -> 75; h' = trunc(1554.90) = 1554 -> 56; 4200
    [InlineData(4000, 3000, 4200)]
    [InlineData(3000, 4000, 4200)]
    // 1428*7 = 9996 patches -> sqrt > 1; 7168/20000 = 0.3584 -> w' = 7168 -> 256, h' = trunc(35.84) = 35 -> 2; 512
    [InlineData(20000, 100, 512)]
    // 1 * 7142 patches -> sqrt > 1; 7168/100000 = 0.07168 -> h' = trunc(7167.999999...) = 7167 in doubles, as in
    // Python -> ceil(7167/28) = 256; w' = max(1, trunc(0.07)) = 1 -> 1; 256
    [InlineData(1, 100000, 256)]
    // 35*23 = 805 -> scale 1; ceil(500/28) = 18, ceil(333/28) = 12; 216
    [InlineData(500, 333, 216)]
    public void EstimateTokens_Size_MatchesSglangFormula(int width, int height, long expected)
    {
        Assert.Equal(expected, KimiVisionTokenEstimator.EstimateTokens(width, height));
    }

    [Fact]
    public void EstimateTokens_LargestSides_StaysWithinPatchLimit()
    {
        // The in-patch limit of 16384 patches is 4096 tokens, plus at most one padded row and column.
        Assert.InRange(KimiVisionTokenEstimator.EstimateTokens(int.MaxValue, int.MaxValue), 1, 65 * 65);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(-1, 10)]
    public void EstimateTokens_NonPositiveSide_Throws(int width, int height)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KimiVisionTokenEstimator.EstimateTokens(width, height));
    }
}
