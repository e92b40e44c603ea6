using System.IO.Hashing;
using Valar.Validation.Images.Structure;

namespace Valar.Validation.Tests.Images.Structure;

/// <summary>
/// <see cref="WideCrc32"/> gives exactly <see cref="Crc32"/>'s value, at every length and alignment around its wide
/// path (taken from 1 KiB on machines with VPCLMULQDQ, as these are; elsewhere both sides are <see cref="Crc32"/>).
/// </summary>
public sealed class WideCrc32Tests
{
    [Fact]
    public void HashToUInt32_EveryLengthUpTo3000AtEveryAlignment_EqualsCrc32()
    {
        var random = new Random(13);
        var buffer = new byte[3000 + 64];
        random.NextBytes(buffer);
        for (var length = 0; length <= 3000; length++)
        {
            var data = buffer.AsSpan(length % 64, length);
            Assert.True(Crc32.HashToUInt32(data) == WideCrc32.HashToUInt32(data), $"length {length}");
        }
    }

    [Theory]
    [InlineData(1024, 0x00)]
    [InlineData(1024, 0xFF)]
    [InlineData(65_536 + 13, 0x00)]
    [InlineData(5 * 1024 * 1024, 0xA5)]
    public void HashToUInt32_UniformRuns_EqualsCrc32(int length, byte value)
    {
        var data = new byte[length];
        data.AsSpan().Fill(value);

        Assert.Equal(Crc32.HashToUInt32(data), WideCrc32.HashToUInt32(data));
    }

    [Fact]
    public void HashToUInt32_RandomLargeSpans_EqualsCrc32()
    {
        var random = new Random(29);
        for (var i = 0; i < 50; i++)
        {
            var data = new byte[random.Next(1024, 1 << 20)];
            random.NextBytes(data);
            Assert.Equal(Crc32.HashToUInt32(data), WideCrc32.HashToUInt32(data));
        }
    }
}
