using Valar.DevHost.Configuration;

namespace Valar.DevHost.Tests.Configuration;

public sealed class AppFolderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("valar-appfolder-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private DevHostOptions Options(string? settings = null) => new() { AppDirectory = _directory, SettingsPath = settings };

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_directory, name), text);

    private void WriteWorker()
    {
        Write("worker.config.json", """{"description":{"language":"dotnet-isolated","defaultExecutablePath":"dotnet","defaultWorkerPath":"App.dll"}}""");
        Write("App.dll", string.Empty);
    }

    [Fact]
    public void TryLoad_WorkerConfigOnly_DefaultsToApiPrefixAndNoSettings()
    {
        WriteWorker();

        Assert.True(AppFolder.TryLoad(Options(), out var app, out var error), error);

        Assert.Equal(Path.Combine(_directory, "App.dll"), app!.WorkerPath);
        Assert.Equal("api", app.RoutePrefix);
        Assert.Empty(app.Settings);
        Assert.Null(app.FunctionTimeout);
    }

    [Theory]
    [InlineData("""{"version":"2.0","extensions":{"http":{"routePrefix":""}}}""", "")]
    [InlineData("""{"version":"2.0","extensions":{"http":{"routePrefix":"/v2/"}}}""", "v2")]
    [InlineData("""{"version":"2.0", /* comment */ "extensions":{}}""", "api")]
    public void TryLoad_HostJson_ReadsRoutePrefix(string hostJson, string expected)
    {
        WriteWorker();
        Write("host.json", hostJson);

        Assert.True(AppFolder.TryLoad(Options(), out var app, out var error), error);

        Assert.Equal(expected, app!.RoutePrefix);
    }

    [Fact]
    public void TryLoad_HostJsonFunctionTimeout_IsRead()
    {
        WriteWorker();
        Write("host.json", """{"version":"2.0","functionTimeout":"00:10:00"}""");

        Assert.True(AppFolder.TryLoad(Options(), out var app, out _));

        Assert.Equal(TimeSpan.FromMinutes(10), app!.FunctionTimeout);
    }

    [Fact]
    public void TryLoad_LocalSettings_ReadsValues()
    {
        WriteWorker();
        Write("local.settings.json", """{"IsEncrypted":false,"Values":{"AzureWebJobsStorage":"UseDevelopmentStorage=true","Count":3}}""");

        Assert.True(AppFolder.TryLoad(Options(), out var app, out _));

        Assert.Equal("UseDevelopmentStorage=true", app!.Settings["AzureWebJobsStorage"]);
        Assert.Equal("3", app.Settings["Count"]);
    }

    [Fact]
    public void TryLoad_NoWorkerConfig_ReportsTheMissingFile()
    {
        Assert.False(AppFolder.TryLoad(Options(), out var app, out var error));

        Assert.Null(app);
        Assert.Equal($"'{Path.Combine(_directory, "worker.config.json")}' does not exist", error);
    }

    [Fact]
    public void TryLoad_WorkerDllMissing_ReportsIt()
    {
        Write("worker.config.json", """{"description":{"defaultWorkerPath":"Gone.dll"}}""");

        Assert.False(AppFolder.TryLoad(Options(), out _, out var error));

        Assert.Equal($"'{Path.Combine(_directory, "worker.config.json")}' names the worker '{Path.Combine(_directory, "Gone.dll")}', which does not exist", error);
    }

    [Fact]
    public void TryLoad_MissingExplicitSettingsFile_ReportsIt()
    {
        WriteWorker();
        var settings = Path.Combine(_directory, "nope.json");

        Assert.False(AppFolder.TryLoad(Options(settings), out _, out var error));

        Assert.Equal($"settings file '{settings}' does not exist", error);
    }

    [Fact]
    public void TryLoad_MalformedHostJson_ReportsItWithoutThrowing()
    {
        WriteWorker();
        Write("host.json", "{ not json");

        Assert.False(AppFolder.TryLoad(Options(), out _, out var error));

        Assert.StartsWith($"'{Path.Combine(_directory, "host.json")}' is not valid JSON: ", error, StringComparison.Ordinal);
    }
}
