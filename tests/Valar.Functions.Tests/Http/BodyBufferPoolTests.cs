using Valar.Functions.Http;

namespace Valar.Functions.Tests.Http;

public sealed class BodyBufferPoolTests
{
    private const int Mib = 1024 * 1024;

    [Fact]
    public void Rent_SmallBody_GetsAnExactArray()
    {
        var pool = new BodyBufferPool(64 * Mib);

        Assert.Equal(2000, pool.Rent(2000).Length);
    }

    [Fact]
    public void Rent_AfterReturnOfSimilarSize_ReusesTheArray()
    {
        var pool = new BodyBufferPool(64 * Mib);
        var first = pool.Rent(28 * Mib);
        pool.Return(first);

        var second = pool.Rent((28 * Mib) - 1000);

        Assert.Same(first, second);
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void Rent_MuchSmallerBody_DoesNotTakeALargeArray()
    {
        var pool = new BodyBufferPool(64 * Mib);
        var large = pool.Rent(40 * Mib);
        pool.Return(large);

        var small = pool.Rent(2 * Mib);

        Assert.NotSame(large, small);
        Assert.InRange(small.Length, 2 * Mib, (2 * Mib) + (Mib / 8));
    }

    [Fact]
    public void Return_SameArrayTwice_KeepsItOnce()
    {
        var pool = new BodyBufferPool(64 * Mib);
        var array = pool.Rent(4 * Mib);
        pool.Return(array);
        pool.Return(array);

        Assert.Same(array, pool.Rent(4 * Mib));
        Assert.NotSame(array, pool.Rent(4 * Mib));
    }

    [Fact]
    public void Return_OverTheCap_DropsTheLongestIdle()
    {
        var pool = new BodyBufferPool(10 * Mib);
        var older = pool.Rent(6 * Mib);
        var newer = pool.Rent(6 * Mib);
        pool.Return(older);
        pool.Return(newer);

        Assert.Equal(newer.Length, pool.RetainedBytes);
        Assert.Same(newer, pool.Rent(6 * Mib));
    }

    [Theory]
    [InlineData(Mib, Mib)]
    [InlineData(Mib + 1, Mib + (Mib / 16))]
    [InlineData(139_812_021, 142_606_336)]
    public void RoundUp_Length_AtMostASixteenthMore(int length, int expected)
    {
        Assert.Equal(expected, BodyBufferPool.RoundUp(length));
    }
}
