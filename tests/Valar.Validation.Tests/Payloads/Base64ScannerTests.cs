using System.Buffers.Text;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Valar.Validation.Payloads;

namespace Valar.Validation.Tests.Payloads;

public sealed class Base64ScannerTests
{
    private static readonly byte[] Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8.ToArray();

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void IsValid_RandomTextAndMutations_AgreesWithBase64IsValid(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 200; trial++)
        {
            var data = new byte[random.Next(0, trial % 10 == 0 ? 5000 : 700)];
            random.NextBytes(data);
            var text = Encoding.ASCII.GetBytes(Convert.ToBase64String(data, trial % 7 == 0 ? Base64FormattingOptions.InsertLineBreaks : Base64FormattingOptions.None));
            Mutate(text, random, out var mutated);

            var expected = Base64.IsValid(mutated, out var expectedLength);
            var actual = Base64Scanner.IsValid(mutated, out var actualLength);

            Assert.True((expected, expectedLength) == (actual, actualLength), $"seed {seed} trial {trial}: '{Encoding.Latin1.GetString(mutated)}'");
        }
    }

    [Theory]
    [InlineData("", true, 0)]
    [InlineData("QQ==", true, 1)]
    [InlineData("QR==", false, 0)]
    [InlineData("QUI=", true, 2)]
    [InlineData("QUJD", true, 3)]
    [InlineData("QUJ", false, 0)]
    public void IsValid_ShortText_MatchesLibrary(string text, bool valid, int decodedLength)
    {
        Assert.Equal((valid, decodedLength), (Base64Scanner.IsValid(Encoding.ASCII.GetBytes(text), out var length), length));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void IsValid_LongTextEndingInWhitespaceAfterPadding_MatchesLibrary(int padding)
    {
        // The tail the library judges must still hold the last significant character when whitespace follows it.
        var text = Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[3000 + (padding == 0 ? 0 : 3 - padding)]) + "   \r\n    \t  ");

        Assert.Equal(Base64.IsValid(text, out var expected), Base64Scanner.IsValid(text, out var actual));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void IsValid_NonZeroUnusedBitsBeforePaddingAfterWhitespace_Fails()
    {
        var text = Encoding.ASCII.GetBytes(new string('A', 1000) + "QR" + new string(' ', 20) + "==");

        Assert.False(Base64.IsValid(text));
        Assert.False(Base64Scanner.IsValid(text, out var length));
        Assert.Equal(0, length);
    }

    [Fact]
    public void IsAlphabetOnlyVbmi_AnyByteValueAtEdgePositions_MatchesTheAlphabet()
    {
        if (!Avx512Vbmi.IsSupported)
        {
            return; // Base64Scanner.IsValid then takes the library path only, which the tests above cover.
        }

        var text = new byte[300];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = Alphabet[i % 64];
        }

        foreach (var position in new[] { 0, 1, 31, 32, 63, 64, 100, 255, 256, 257, 299 })
        {
            for (var value = 0; value < 256; value++)
            {
                var copy = (byte[])text.Clone();
                copy[position] = (byte)value;
                var expected = Alphabet.Contains((byte)value);
                Assert.Equal(expected, Base64Scanner.IsAlphabetOnlyVbmi(copy));
            }
        }
    }

    private static void Mutate(byte[] text, Random random, out byte[] mutated)
    {
        var list = text.ToList();
        switch (random.Next(8))
        {
            case 0:
                break; // untouched
            case 1 when list.Count > 0:
                list[random.Next(list.Count)] = (byte)random.Next(256); // any byte anywhere
                break;
            case 2:
                list.Insert(random.Next(list.Count + 1), " \t\r\n"u8[random.Next(4)]); // whitespace anywhere
                break;
            case 3 when list.Count > 0:
                list.RemoveAt(random.Next(list.Count)); // a character short
                break;
            case 4:
                list.AddRange(Enumerable.Repeat((byte)(random.Next(2) == 0 ? '=' : ' '), random.Next(1, 4))); // extra padding or trailing spaces
                break;
            case 5 when list.Count > 4:
                list[list.Count - 1 - random.Next(4)] = Alphabet[random.Next(64)]; // last block changed: unused bits, padding
                break;
            case 6 when list.Count > 0:
                list.Insert(random.Next(list.Count), (byte)'='); // padding in the middle
                break;
            default:
                list.InsertRange(random.Next(list.Count + 1), Enumerable.Repeat((byte)' ', random.Next(1, 80))); // a run of spaces
                break;
        }

        mutated = [.. list];
    }
}
