using System.Net;
using Valar.Storage.Tests.Fakes;
using Valar.Testing.Azurite;

namespace Valar.Storage.Tests.Sas;

[Collection(AzuriteCollection.Name)]
public sealed class BlobSasSignerServiceSasTests
{
    private readonly AzuriteFixture _azurite;

    public BlobSasSignerServiceSasTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
    }

    [Fact]
    public async Task SignAsync_SharedKeyConnection_IssuesWorkingServiceSas()
    {
        using var store = new BlobStore(StorageConnection.Parse(_azurite.ConnectionString), new HttpClient(_azurite.CreateHttpHandler()));
        await store.CreateContainerIfNotExistsAsync("signer");
        await store.PutBlobAsync("signer", "b", new byte[] { 4, 2 });
        var signer = new BlobSasSigner(store, new SasOptions { AllowHttp = true });

        var signed = await signer.SignAsync("signer", "b", BlobSasPermissions.Read);
        using var http = new HttpClient(_azurite.CreateHttpHandler());
        var bytes = await http.GetByteArrayAsync(signed.Uri);

        Assert.Equal(new byte[] { 4, 2 }, bytes);
        Assert.DoesNotContain("skoid", signed.Uri.Query, StringComparison.Ordinal);
    }
}

[Collection(AzuriteOAuthCollection.Name)]
public sealed class BlobSasSignerUserDelegationTests
{
    private readonly AzuriteOAuthFixture _azurite;

    public BlobSasSignerUserDelegationTests(AzuriteOAuthFixture azurite)
    {
        _azurite = azurite;
    }

    [Fact]
    public async Task SignAsync_TokenConnection_FetchesOneKeyAndIssuesWorkingUserDelegationSas()
    {
        var credential = new FakeJwtCredential();
        using var store = new BlobStore(StorageConnection.FromTokenCredential(_azurite.BlobEndpoint, credential), new HttpClient(_azurite.CreateHttpHandler()));
        await store.CreateContainerIfNotExistsAsync("signer");
        await store.PutBlobAsync("signer", "b", new byte[] { 7 });
        var signer = new BlobSasSigner(store);

        var first = await signer.SignAsync("signer", "b", BlobSasPermissions.Read);
        var second = await signer.SignAsync("signer", "b", BlobSasPermissions.Upload);
        using var http = new HttpClient(_azurite.CreateHttpHandler());
        using var read = await http.GetAsync(first.Uri);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("skoid=", first.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("&sp=cw&", second.Uri.Query, StringComparison.Ordinal);
        Assert.Equal(Skt(first.Uri), Skt(second.Uri));
    }

    private static string Skt(Uri uri) =>
        uri.Query.Split('&').Single(p => p.StartsWith("skt=", StringComparison.Ordinal));
}
