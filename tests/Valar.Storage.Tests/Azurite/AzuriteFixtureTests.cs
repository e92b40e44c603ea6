using Valar.Testing.Azurite;

namespace Valar.Storage.Tests.Azurite;

/// <summary>The fixture's stop/start contract that fault tests rely on. Uses its own Azurite, not the shared one.</summary>
public sealed class AzuriteFixtureTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task StopThenStart_SamePort_KeepsBlobsAndStoreFailsOnlyWhileStopped()
    {
        var options = new BlobStoreOptions { MaxAttempts = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(10) };
        using var store = new BlobStore(StorageConnection.Parse(_azurite.ConnectionString), new HttpClient(_azurite.CreateHttpHandler()), options);
        await store.CreateContainerIfNotExistsAsync("keep");
        await store.PutBlobAsync("keep", "b", new byte[] { 1, 2, 3 });
        var port = _azurite.Port;

        await _azurite.StopAsync();
        var whileStopped = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetBlobAsync("keep", "b", 10));
        await _azurite.StartAsync();
        var afterRestart = await store.GetBlobAsync("keep", "b", 10);

        Assert.True(_azurite.IsRunning);
        Assert.Equal(port, _azurite.Port);
        Assert.Equal(0, whileStopped.Status);
        Assert.Equal(new byte[] { 1, 2, 3 }, afterRestart.Content.ToArray());
    }

    [Fact]
    public async Task Dispose_KillsTheProcessItStarted()
    {
        Assert.True(_azurite.IsRunning);

        await _azurite.StopAsync();

        Assert.False(_azurite.IsRunning);
        using var client = new HttpClient(_azurite.CreateHttpHandler());
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(_azurite.BlobEndpoint));
    }

    [Fact]
    public void FindRepositoryRoot_FromTestBinaries_FindsTheSolutionFolder()
    {
        var root = AzuriteFixture.FindRepositoryRoot();

        Assert.True(File.Exists(Path.Combine(root, "Valar.Functions.sln")));
        Assert.True(File.Exists(Path.Combine(root, "package-lock.json")));
    }
}
