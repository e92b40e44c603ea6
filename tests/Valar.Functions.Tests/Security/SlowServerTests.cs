namespace Valar.Functions.Tests.Security;

/// <summary>
/// Slow and lying image servers, through the whole app on Kestrel (only 127.0.0.1/32 allowed). All cases started
/// together when the fixture started; each ends with its exact message, the stalled ones at the 10 s total fetch deadline.
/// </summary>
[Collection(HostileServersCollection.Name)]
public sealed class SlowServerTests(HostileServersFixture fixture)
{
    private const string TimedOut = "failed to download image: timed out after 10 s";
    private const string TooLarge = "image too large: exceeds maximum of 20971520 bytes";
    private const string Html = "unsupported image type text/html: only image/jpeg, image/png, image/webp, image/gif are accepted";

    /// <summary>
    /// The worker's fetcher runs on the real clock, so the exact moment is proven by the fetcher's own fake-clock tests;
    /// here the deadline cannot fire early, and anything past this bound is a hang, not a slow machine.
    /// </summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    /// <summary>Case → exact message, and whether it must end at the deadline (true) or well before it (false).</summary>
    public static TheoryData<string, string, bool> Cases => new()
    {
        { "headers never sent", TimedOut, true },
        { "one byte per second forever", TimedOut, true },
        { "content-length larger than the body, held open", TimedOut, true },
        { "content-length larger than the body, then closed", "failed to download image: connection closed before the whole body was received", false },
        { "endless body without content-length", TooLarge, false },
        { "limit plus one byte, then silence", TooLarge, false },
        { "exactly the limit, then silence", TimedOut, true },
        { "200 with an HTML body", Html, false },
        { "HTML body labelled image/png", Html, false },
        { "302 to file:///etc/passwd", "unsupported URL scheme 'file' in redirect: only http and https URLs are allowed", false },
        { "301 to gopher://", "unsupported URL scheme 'gopher' in redirect: only http and https URLs are allowed", false },
        { "307 to ftp://", "unsupported URL scheme 'ftp' in redirect: only http and https URLs are allowed", false },
        { "three stalled URLs in one request", TimedOut, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Validate_HostileImageServer_EndsWithinTheDeadlineWithExactMessage(string name, string message, bool atDeadline)
    {
        var observed = await fixture.SlowCase(name);

        Assert.Equal(400, observed.Status);
        Assert.Equal("application/json", observed.ContentType);
        Assert.Equal(message, observed.ErrorMessage);
        // A case that ends before the deadline says so by its message: waiting for the deadline would say "timed out".
        Assert.InRange(observed.Elapsed, atDeadline ? TimeSpan.FromSeconds(9.9) : TimeSpan.Zero, HangBound);
    }

    [Fact]
    public async Task Validate_EndlessBody_StopsReadingNearTheLimitAndHangsUp()
    {
        var observed = await fixture.SlowCase("endless body without content-length");
        await fixture.Endless.Finished.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TooLarge, observed.ErrorMessage);
        // The app reads limit + 1 bytes and hangs up; what the server sent beyond that sat in loopback socket buffers.
        Assert.True(
            fixture.EndlessBytesAtAnswer >= HostileServersFixture.MaxImageBytes && fixture.EndlessBytesAtAnswer <= HostileServersFixture.MaxImageBytes + (16L * 1024 * 1024),
            $"at answer {fixture.EndlessBytesAtAnswer}, at hang-up {fixture.Endless.Bytes}");
    }
}
