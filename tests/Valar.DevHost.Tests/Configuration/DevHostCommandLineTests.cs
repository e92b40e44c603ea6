using Valar.DevHost.Configuration;

namespace Valar.DevHost.Tests.Configuration;

public sealed class DevHostCommandLineTests
{
    [Fact]
    public void TryParse_PortAndApp_ReadsBoth()
    {
        Assert.True(DevHostCommandLine.TryParse(["--port", "0", "--app", "/tmp/app"], out var options, out var error), error);

        Assert.Equal(0, options!.Port);
        Assert.Equal("/tmp/app", options.AppDirectory);
        Assert.Null(options.SettingsPath);
    }

    [Fact]
    public void TryParse_AppOnly_DefaultsToPort7071()
    {
        Assert.True(DevHostCommandLine.TryParse(["--app", "/tmp/app", "--settings", "/tmp/s.json"], out var options, out _));

        Assert.Equal(7071, options!.Port);
        Assert.Equal("/tmp/s.json", options.SettingsPath);
    }

    [Fact]
    public void TryParse_BlobOptions_ReadsSeconds()
    {
        Assert.True(DevHostCommandLine.TryParse(["--app", "/tmp/app", "--blob-poll", "0.2", "--blob-retry-delay", "0"], out var options, out var error), error);

        Assert.Equal(TimeSpan.FromMilliseconds(200), options!.BlobPollInterval);
        Assert.Equal(TimeSpan.Zero, options.BlobRetryDelay);
        Assert.Equal(5, options.BlobMaxDeliveries);
    }

    [Fact]
    public void TryParse_NoBlobOptions_PollsEveryTwoSecondsAndRetriesAfterOne()
    {
        Assert.True(DevHostCommandLine.TryParse(["--app", "/tmp/app"], out var options, out _));

        Assert.Equal(TimeSpan.FromSeconds(2), options!.BlobPollInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BlobRetryDelay);
    }

    [Theory]
    [InlineData(new[] { "--app", "/tmp/app", "--blob-poll", "-1" }, "--blob-poll '-1' is not a number of seconds (0-3600)")]
    [InlineData(new[] { "--app", "/tmp/app", "--blob-retry-delay", "soon" }, "--blob-retry-delay 'soon' is not a number of seconds (0-3600)")]
    [InlineData(new[] { "--port", "7071" }, "--app is required")]
    [InlineData(new[] { "--app", "/tmp/app", "--port", "70000" }, "--port '70000' is not a port number (0-65535)")]
    [InlineData(new[] { "--app", "/tmp/app", "--port", "-1" }, "--port '-1' is not a port number (0-65535)")]
    [InlineData(new[] { "--app" }, "missing a value after '--app'")]
    [InlineData(new[] { "--app", "/tmp/app", "--verbose", "1" }, "unknown option '--verbose'")]
    public void TryParse_BadArguments_ReportsWhy(string[] args, string expected)
    {
        Assert.False(DevHostCommandLine.TryParse(args, out var options, out var error));

        Assert.Null(options);
        Assert.Equal(expected, error);
    }
}
