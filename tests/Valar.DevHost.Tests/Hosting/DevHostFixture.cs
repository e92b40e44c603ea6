using System.Text.Json;

namespace Valar.DevHost.Tests.Hosting;

/// <summary>One host for the tests that leave it running, with a local.settings.json and a folder for cancel markers.</summary>
public sealed class DevHostFixture : IAsyncLifetime
{
    public const string SettingName = "DEVHOST_TEST_SETTING";
    public const string SettingValue = "from local.settings.json";

    private readonly string _directory = Directory.CreateTempSubdirectory("valar-devhost-tests-").FullName;

    public DevHostProcess Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string MarkerDirectory => _directory;

    public async Task InitializeAsync()
    {
        var settings = Path.Combine(_directory, "local.settings.json");
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new
        {
            IsEncrypted = false,
            Values = new Dictionary<string, string> { [SettingName] = SettingValue },
        }));
        Host = await DevHostProcess.StartAsync(settings, new Dictionary<string, string> { ["CANCEL_MARKER_DIRECTORY"] = _directory });
        Client = NewClient(Host);
    }

    public static HttpClient NewClient(DevHostProcess host) => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = host.BaseAddress,
        Timeout = TimeSpan.FromMinutes(5),
    };

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class DevHostCollection : ICollectionFixture<DevHostFixture>
{
    /// <summary>Every test that starts processes runs in this one collection: one at a time on a shared machine.</summary>
    public const string Name = "DevHost process";
}
