using System.Net;
using Valar.Storage.Tests.Fakes;
using Valar.Testing.Azurite;

namespace Valar.Storage.Tests.Sas;

/// <summary>
/// End to end against Azurite over HTTPS with <c>--oauth basic</c>: bearer-token requests, Get User Delegation Key,
/// and user delegation SAS that Azurite verifies (it derives the key from oid/tid/skt/ske/skv and checks the signature).
/// </summary>
[Collection(AzuriteOAuthCollection.Name)]
public sealed class UserDelegationSasAzuriteTests : IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7, 7, 7];

    private readonly AzuriteOAuthFixture _azurite;
    private readonly FakeJwtCredential _credential = new();
    private readonly BlobStore _tokenStore;
    private readonly BlobStore _keyStore;
    private readonly HttpClient _http;
    private readonly string _container = $"u{Guid.NewGuid():N}";

    public UserDelegationSasAzuriteTests(AzuriteOAuthFixture azurite)
    {
        _azurite = azurite;
        _tokenStore = new BlobStore(StorageConnection.FromTokenCredential(azurite.BlobEndpoint, _credential), new HttpClient(azurite.CreateHttpHandler()));
        _keyStore = new BlobStore(StorageConnection.Parse(azurite.ConnectionString), new HttpClient(azurite.CreateHttpHandler()));
        _http = new HttpClient(azurite.CreateHttpHandler());
    }

    public async Task InitializeAsync()
    {
        await _tokenStore.CreateContainerIfNotExistsAsync(_container);
        await _tokenStore.PutBlobAsync(_container, "a.png", Png, new PutBlobOptions { ContentType = "image/png" });
        await _tokenStore.PutBlobAsync(_container, "sibling.png", Png);
    }

    public Task DisposeAsync()
    {
        _tokenStore.Dispose();
        _keyStore.Dispose();
        _http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task BearerToken_PutGetWithStorageScope_RoundTrips()
    {
        var download = await _tokenStore.GetBlobAsync(_container, "a.png", 100);

        Assert.Equal(Png, download.Content.ToArray());
        Assert.Equal(["https://storage.azure.com/.default"], _credential.RequestedScopes);
        Assert.Equal(1, _credential.Requests);
    }

    [Fact]
    public async Task GetUserDelegationKey_WithBearerToken_ReturnsKeyForTheTokensIdentity()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var expiry = DateTimeOffset.UtcNow.AddHours(1);

        var key = await _tokenStore.GetUserDelegationKeyAsync(start, expiry);

        Assert.Equal(FakeJwtCredential.ObjectId, key.SignedObjectId);
        Assert.Equal(FakeJwtCredential.TenantId, key.SignedTenantId);
        Assert.Equal("b", key.SignedService);
        Assert.Equal(BlobSasTruncate(start), key.SignedStartsOn);
        Assert.Equal(BlobSasTruncate(expiry), key.SignedExpiresOn);
        Assert.NotEmpty(Convert.FromBase64String(key.Value));
    }

    [Fact]
    public async Task GetUserDelegationKey_WithSharedKey_IsRefused()
    {
        var exception = await Assert.ThrowsAsync<StorageRequestException>(
            () => _keyStore.GetUserDelegationKeyAsync(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Equal(403, exception.Status);
        Assert.Equal(StorageErrorCodes.AuthenticationFailed, exception.ErrorCode);
    }

    [Fact]
    public async Task UserDelegationReadSas_Get_ReturnsTheBlob()
    {
        var signed = (await BuilderAsync()).Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.GetAsync(signed.Uri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Png, await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("&skoid=" + FakeJwtCredential.ObjectId + "&", signed.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("spr=https&", signed.Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserDelegationReadSas_Put_Returns403()
    {
        var signed = (await BuilderAsync()).Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.SendAsync(ServiceSasAzuriteTests.BlockBlobPut(signed.Uri, [1]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UserDelegationReadSas_OnSiblingBlob_Returns403()
    {
        var signed = (await BuilderAsync()).Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.GetAsync(new Uri(signed.Uri.AbsoluteUri.Replace("/a.png?", "/sibling.png?", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UserDelegationReadSas_TamperedSignature_Returns403()
    {
        var signed = (await BuilderAsync()).Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.GetAsync(ServiceSasAzuriteTests.Tamper(signed.Uri));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UserDelegationReadSas_Expired_Returns403()
    {
        var key = await _tokenStore.GetUserDelegationKeyAsync(DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddHours(1));
        var past = new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var signed = new UserDelegationSasBuilder(_azurite.BlobEndpoint, AzuriteFixture.AccountName, key, timeProvider: past)
            .Build(_container, "a.png", BlobSasPermissions.Read);

        using var response = await _http.GetAsync(signed.Uri);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UserDelegationUploadSas_PutThenGet_CreatesBlobButCannotReadIt()
    {
        var signed = (await BuilderAsync()).Build(_container, "up.png", BlobSasPermissions.Upload);

        using var put = await _http.SendAsync(ServiceSasAzuriteTests.BlockBlobPut(signed.Uri, Png));
        using var get = await _http.GetAsync(signed.Uri);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        Assert.Equal(Png, (await _tokenStore.GetBlobAsync(_container, "up.png", 100)).Content.ToArray());
    }

    private async Task<UserDelegationSasBuilder> BuilderAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var key = await _tokenStore.GetUserDelegationKeyAsync(now.AddMinutes(-5), now.AddHours(1));
        return new UserDelegationSasBuilder(_azurite.BlobEndpoint, AzuriteFixture.AccountName, key);
    }

    private static DateTimeOffset BlobSasTruncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
