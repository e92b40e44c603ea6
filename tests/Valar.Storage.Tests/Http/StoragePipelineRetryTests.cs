using Valar.Storage.Tests.Fakes;
using static Valar.Storage.Tests.Fakes.ScriptedHttpServer;

namespace Valar.Storage.Tests.Http;

public sealed class StoragePipelineRetryTests
{
    private static readonly BlobStoreOptions FastRetries = new()
    {
        MaxAttempts = 4,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(20),
        TryTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task GetBlob_TwoServiceUnavailableThenOk_SucceedsOnThirdTry()
    {
        await using var server = new ScriptedHttpServer([Status(503, "ServerBusy"), Status(503, "ServerBusy")], Status(200, body: "hello"));
        using var store = Store(server);

        var download = await store.GetBlobAsync("c1c", "b", 100);

        Assert.Equal("hello"u8.ToArray(), download.Content.ToArray());
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task PutBlob_TwoServiceUnavailableThenCreated_ReplaysTheWholeBodyEachTry()
    {
        await using var server = new ScriptedHttpServer([Status(503), Status(500)], Status(201));
        using var store = Store(server);
        var body = new byte[100_000];
        Random.Shared.NextBytes(body);

        await store.PutBlobAsync("c1c", "b", body);

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal(body, r.Body));
        Assert.All(server.Requests, r => Assert.StartsWith("SharedKey devstoreaccount1:", r.Headers["Authorization"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetBlob_AlwaysServiceUnavailable_GivesUpAfterMaxAttemptsWithStatusAndCode()
    {
        await using var server = new ScriptedHttpServer([], Status(503, "ServerBusy"));
        using var store = Store(server);

        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetBlobAsync("c1c", "b", 100));

        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(503, exception.Status);
        Assert.Equal("ServerBusy", exception.ErrorCode);
        Assert.Equal("GetBlob c1c/b failed with 503 (ServerBusy) after 4 attempts.", exception.Message);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task GetProperties_TransientStatusOnce_IsRetried(int status)
    {
        await using var server = new ScriptedHttpServer([Status(status)], Status(200));
        using var store = Store(server);

        await store.GetPropertiesAsync("c1c", "b");

        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData(400, "InvalidQueryParameterValue")]
    [InlineData(403, "AuthorizationFailure")]
    [InlineData(404, "BlobNotFound")]
    [InlineData(409, "BlobAlreadyExists")]
    [InlineData(412, "ConditionNotMet")]
    public async Task GetBlob_NonTransientStatus_IsNotRetried(int status, string code)
    {
        await using var server = new ScriptedHttpServer([], Status(status, code));
        using var store = Store(server);

        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetBlobAsync("c1c", "b", 100));

        Assert.Single(server.Requests);
        Assert.Equal(status, exception.Status);
        Assert.Equal(code, exception.ErrorCode);
    }

    [Fact]
    public async Task GetBlob_ErrorCodeOnlyInXmlBody_IsReadFromBody()
    {
        await using var server = new ScriptedHttpServer([], Status(404, body: "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ContainerNotFound</Code><Message>nope</Message></Error>"));
        using var store = Store(server);

        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetBlobAsync("c1c", "b", 100));

        Assert.Equal("ContainerNotFound", exception.ErrorCode);
    }

    [Fact]
    public async Task GetBlob_BodyCutByConnectionResetThenOk_IsRetried()
    {
        await using var server = new ScriptedHttpServer([Truncate()], Status(200, body: "ok"));
        using var store = Store(server);

        var download = await store.GetBlobAsync("c1c", "b", 100);

        Assert.Equal("ok"u8.ToArray(), download.Content.ToArray());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GetBlob_AlwaysReset_ThrowsStorageRequestExceptionWithStatusZero()
    {
        await using var server = new ScriptedHttpServer([], Truncate());
        using var store = Store(server);

        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetBlobAsync("c1c", "b", 100));

        Assert.Equal(0, exception.Status);
        Assert.Null(exception.ErrorCode);
        Assert.True(exception.InnerException is HttpRequestException or IOException, exception.InnerException?.GetType().Name);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task GetBlob_FirstTryStalls_TimesOutAndRetries()
    {
        await using var server = new ScriptedHttpServer([Stall()], Status(200, body: "late"));
        using var store = Store(server, FastRetries with { TryTimeout = TimeSpan.FromMilliseconds(500) });

        var download = await store.GetBlobAsync("c1c", "b", 100);

        Assert.Equal("late"u8.ToArray(), download.Content.ToArray());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GetBlob_AlwaysStalls_ThrowsTimeoutAsStorageRequestException()
    {
        await using var server = new ScriptedHttpServer([], Stall());
        using var store = Store(server, FastRetries with { MaxAttempts = 2, TryTimeout = TimeSpan.FromMilliseconds(200) });

        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetBlobAsync("c1c", "b", 100));

        Assert.Equal(0, exception.Status);
        Assert.IsType<TimeoutException>(exception.InnerException);
        Assert.Equal("GetBlob c1c/b timed out after 2 attempt(s) of 0.2 s.", exception.Message);
    }

    [Fact]
    public async Task GetBlob_CallerCancels_ThrowsOperationCanceledWithoutRetrying()
    {
        await using var server = new ScriptedHttpServer([], Stall());
        using var store = Store(server);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetBlobAsync("c1c", "b", 100, cancellation.Token));

        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(1, 100, 200)]
    [InlineData(2, 200, 400)]
    [InlineData(3, 400, 800)]
    [InlineData(10, 2500, 5000)]
    [InlineData(40, 2500, 5000)]
    public void Backoff_DefaultOptions_StaysWithinHalfToFullOfCappedExponential(int attempt, double minMs, double maxMs)
    {
        var pipeline = new StoragePipeline(new HttpClient(), new SharedKeyAuthorizer(new StorageSharedKeyCredential("a", "AAAA")), new BlobStoreOptions(), TimeProvider.System);

        for (var i = 0; i < 50; i++)
        {
            var delay = pipeline.Backoff(attempt, retryAfter: null).TotalMilliseconds;
            Assert.InRange(delay, minMs, maxMs);
        }
    }

    [Fact]
    public void Backoff_RetryAfterAboveCap_IsCapped()
    {
        var pipeline = new StoragePipeline(new HttpClient(), new SharedKeyAuthorizer(new StorageSharedKeyCredential("a", "AAAA")), new BlobStoreOptions(), TimeProvider.System);

        Assert.Equal(5000, pipeline.Backoff(1, TimeSpan.FromMinutes(1)).TotalMilliseconds);
    }

    private static BlobStore Store(ScriptedHttpServer server, BlobStoreOptions? options = null) =>
        new(
            StorageConnection.FromSharedKey(server.Endpoint, new StorageSharedKeyCredential("devstoreaccount1", StorageConnection.DevelopmentAccountKey)),
            new HttpClient(new SocketsHttpHandler { UseProxy = false }),
            options ?? FastRetries);
}
