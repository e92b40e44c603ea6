using System.Text;
using Valar.Testing.Azurite;

namespace Valar.Storage.Tests.Blobs;

[Collection(AzuriteCollection.Name)]
public sealed class BlobStoreTests : IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8];

    private readonly AzuriteFixture _azurite;
    private readonly BlobStore _store;
    private readonly string _container = $"t{Guid.NewGuid():N}";

    public BlobStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _store = new BlobStore(StorageConnection.Parse(azurite.ConnectionString), new HttpClient(azurite.CreateHttpHandler()));
    }

    public async Task InitializeAsync() => await _store.CreateContainerIfNotExistsAsync(_container);

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task CreateContainerIfNotExists_Twice_ReturnsTrueThenFalse()
    {
        var name = $"c{Guid.NewGuid():N}";

        Assert.True(await _store.CreateContainerIfNotExistsAsync(name));
        Assert.False(await _store.CreateContainerIfNotExistsAsync(name));
    }

    [Fact]
    public async Task PutBlob_ThenGetBlob_ReturnsBytesContentTypeAndMetadata()
    {
        var written = await _store.PutBlobAsync(_container, "a.png", Png, new PutBlobOptions
        {
            ContentType = "image/png",
            Metadata = new Dictionary<string, string> { ["verdict"] = "pending", ["owner_id"] = "42" },
        });

        var download = await _store.GetBlobAsync(_container, "a.png", maxBytes: 1024);

        Assert.False(download.ExceedsLimit);
        Assert.Equal(Png, download.Content.ToArray());
        Assert.Equal("image/png", download.Properties.ContentType);
        Assert.Equal(Png.Length, download.Properties.ContentLength);
        Assert.Equal(written.ETag, download.Properties.ETag);
        Assert.Equal("pending", download.Properties.Metadata["verdict"]);
        Assert.Equal("42", download.Properties.Metadata["OWNER_ID"]);
    }

    [Fact]
    public async Task GetProperties_AfterPut_ReturnsLengthTypeETagAndMetadata()
    {
        var written = await _store.PutBlobAsync(_container, "p.bin", new byte[300], new PutBlobOptions
        {
            Metadata = new Dictionary<string, string> { ["k"] = "v" },
        });

        var properties = await _store.GetPropertiesAsync(_container, "p.bin");

        Assert.Equal("p.bin", properties.Name);
        Assert.Equal("application/octet-stream", properties.ContentType);
        Assert.Equal(300, properties.ContentLength);
        Assert.Equal(written.ETag, properties.ETag);
        Assert.NotNull(properties.LastModified);
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v" }, properties.Metadata);
    }

    [Fact]
    public async Task PutBlob_NameWithSpacesPlusAndUnicode_RoundTrips()
    {
        const string name = "dir/sub dir/a+b ü=1.png";
        await _store.PutBlobAsync(_container, name, Png, new PutBlobOptions { ContentType = "image/png" });

        var download = await _store.GetBlobAsync(_container, name, 1024);
        var page = await _store.ListBlobsAsync(_container, prefix: "dir/sub dir/");

        Assert.Equal(Png, download.Content.ToArray());
        Assert.Equal(name, Assert.Single(page.Blobs).Name);
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(15, true)]
    [InlineData(0, true)]
    public async Task GetBlob_CapAgainstSixteenByteBlob_ReadsOnlyWithinCap(long maxBytes, bool exceeds)
    {
        await _store.PutBlobAsync(_container, "cap.png", Png);

        var download = await _store.GetBlobAsync(_container, "cap.png", maxBytes);

        Assert.Equal(exceeds, download.ExceedsLimit);
        Assert.Equal(maxBytes, download.MaxBytes);
        Assert.Equal(exceeds ? 0 : Png.Length, download.Content.Length);
        Assert.Equal(Png.Length, download.Properties.ContentLength);
    }

    [Fact]
    public async Task GetBlob_LargeBlobUnderCap_ReadsAllBytes()
    {
        var large = new byte[3 * 1024 * 1024 + 7];
        Random.Shared.NextBytes(large);
        await _store.PutBlobAsync(_container, "large.bin", large);

        var download = await _store.GetBlobAsync(_container, "large.bin", 20 * 1024 * 1024);

        Assert.Equal(large, download.Content.ToArray());
    }

    [Fact]
    public async Task GetBlob_Missing_ThrowsBlobNotFound()
    {
        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => _store.GetBlobAsync(_container, "missing", 10));

        Assert.Equal(404, exception.Status);
        Assert.Equal(StorageErrorCodes.BlobNotFound, exception.ErrorCode);
        Assert.True(exception.IsNotFound);
        Assert.Equal($"GetBlob {_container}/missing failed with 404 (BlobNotFound).", exception.Message);
    }

    [Fact]
    public async Task GetProperties_Missing_Throws404WithErrorCodeFromHeader()
    {
        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => _store.GetPropertiesAsync(_container, "missing"));

        Assert.Equal(404, exception.Status);
        Assert.Equal(StorageErrorCodes.BlobNotFound, exception.ErrorCode);
    }

    [Fact]
    public async Task PutBlob_CreateOnlyOverExisting_ThrowsBlobAlreadyExistsAndKeepsOriginal()
    {
        await _store.PutBlobAsync(_container, "once", Png, new PutBlobOptions { CreateOnly = true });

        var exception = await Assert.ThrowsAsync<StorageRequestException>(
            () => _store.PutBlobAsync(_container, "once", new byte[] { 1 }, new PutBlobOptions { CreateOnly = true }));

        Assert.Equal(409, exception.Status);
        Assert.Equal(StorageErrorCodes.BlobAlreadyExists, exception.ErrorCode);
        Assert.True(exception.IsConflict);
        Assert.Equal(Png, (await _store.GetBlobAsync(_container, "once", 100)).Content.ToArray());
    }

    [Fact]
    public async Task SetMetadata_WithCurrentETag_ReplacesMetadataAndChangesETag()
    {
        var written = await _store.PutBlobAsync(_container, "m", Png, new PutBlobOptions
        {
            Metadata = new Dictionary<string, string> { ["old"] = "1" },
        });

        var updated = await _store.SetMetadataAsync(_container, "m", new Dictionary<string, string> { ["verdict"] = "valid" }, written.ETag);
        var properties = await _store.GetPropertiesAsync(_container, "m");

        Assert.NotEqual(written.ETag, updated.ETag);
        Assert.Equal(updated.ETag, properties.ETag);
        Assert.Equal(new Dictionary<string, string> { ["verdict"] = "valid" }, properties.Metadata);
    }

    [Fact]
    public async Task SetMetadata_WithStaleETag_ThrowsConditionNotMet()
    {
        var first = await _store.PutBlobAsync(_container, "stale", Png);
        await _store.PutBlobAsync(_container, "stale", Png);

        var exception = await Assert.ThrowsAsync<StorageRequestException>(
            () => _store.SetMetadataAsync(_container, "stale", new Dictionary<string, string> { ["a"] = "b" }, first.ETag));

        Assert.Equal(412, exception.Status);
        Assert.Equal(StorageErrorCodes.ConditionNotMet, exception.ErrorCode);
        Assert.True(exception.IsPreconditionFailed);
    }

    [Fact]
    public async Task PutBlob_IfMatchStale_ThrowsConditionNotMet()
    {
        var first = await _store.PutBlobAsync(_container, "ifmatch", Png);
        await _store.SetMetadataAsync(_container, "ifmatch", new Dictionary<string, string> { ["x"] = "y" });

        var exception = await Assert.ThrowsAsync<StorageRequestException>(
            () => _store.PutBlobAsync(_container, "ifmatch", Png, new PutBlobOptions { IfMatch = first.ETag }));

        Assert.Equal(StorageErrorCodes.ConditionNotMet, exception.ErrorCode);
    }

    [Fact]
    public async Task DeleteBlob_Existing_ReturnsTrueAndBlobIsGone()
    {
        await _store.PutBlobAsync(_container, "d", Png);

        Assert.True(await _store.DeleteBlobAsync(_container, "d"));
        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => _store.GetPropertiesAsync(_container, "d"));
        Assert.Equal(404, exception.Status);
    }

    [Fact]
    public async Task DeleteBlob_MissingWithIgnoreNotFound_ReturnsFalse()
    {
        Assert.False(await _store.DeleteBlobAsync(_container, "never", ignoreNotFound: true));
    }

    [Fact]
    public async Task DeleteBlob_MissingWithoutIgnore_ThrowsBlobNotFound()
    {
        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => _store.DeleteBlobAsync(_container, "never"));

        Assert.Equal(StorageErrorCodes.BlobNotFound, exception.ErrorCode);
    }

    [Fact]
    public async Task ListBlobs_PagedByTwo_ReturnsEveryPrefixedBlobOnceInNameOrder()
    {
        string[] names = ["up/a", "up/b", "up/c", "up/d", "up/e"];
        foreach (var name in names)
        {
            await _store.PutBlobAsync(_container, name, Encoding.ASCII.GetBytes(name), new PutBlobOptions
            {
                Metadata = new Dictionary<string, string> { ["n"] = name[3..] },
            });
        }

        await _store.PutBlobAsync(_container, "other/z", Png);

        var first = await _store.ListBlobsAsync(_container, "up/", maxResults: 2);
        var all = new List<BlobProperties>();
        await foreach (var blob in _store.ListAllBlobsAsync(_container, "up/"))
        {
            all.Add(blob);
        }

        Assert.Equal(["up/a", "up/b"], first.Blobs.Select(b => b.Name));
        Assert.NotNull(first.NextMarker);
        var second = await _store.ListBlobsAsync(_container, "up/", first.NextMarker, maxResults: 2);
        Assert.Equal(["up/c", "up/d"], second.Blobs.Select(b => b.Name));
        Assert.Equal(names, all.Select(b => b.Name));
        Assert.Equal("e", all[^1].Metadata["n"]);
        Assert.Equal(4, all[0].ContentLength);
    }

    [Fact]
    public async Task ListBlobs_ETag_MatchesHeadETag()
    {
        var written = await _store.PutBlobAsync(_container, "etag/one", Png);

        var listed = Assert.Single((await _store.ListBlobsAsync(_container, "etag/")).Blobs);

        Assert.Equal(written.ETag, listed.ETag);
    }

    [Fact]
    public async Task ListBlobs_MissingContainer_ThrowsContainerNotFound()
    {
        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => _store.ListBlobsAsync("nope-nope"));

        Assert.Equal(StorageErrorCodes.ContainerNotFound, exception.ErrorCode);
    }

    [Fact]
    public async Task CopyBlob_ToAnotherContainer_CopiesBytesContentTypeAndMetadata()
    {
        var target = $"k{Guid.NewGuid():N}";
        await _store.CreateContainerIfNotExistsAsync(target);
        await _store.PutBlobAsync(_container, "src.png", Png, new PutBlobOptions
        {
            ContentType = "image/png",
            Metadata = new Dictionary<string, string> { ["sha"] = "abc" },
        });

        var copied = await _store.CopyBlobAsync(_container, "src.png", target, "dst.png", maxBytes: 1024);
        var download = await _store.GetBlobAsync(target, "dst.png", 1024);

        Assert.NotNull(copied);
        Assert.Equal(Png, download.Content.ToArray());
        Assert.Equal("image/png", download.Properties.ContentType);
        Assert.Equal("abc", download.Properties.Metadata["sha"]);
    }

    [Fact]
    public async Task CopyBlob_SourceOverCap_ReturnsNullAndWritesNothing()
    {
        await _store.PutBlobAsync(_container, "big-src", Png);

        var copied = await _store.CopyBlobAsync(_container, "big-src", _container, "big-dst", maxBytes: 4);

        Assert.Null(copied);
        Assert.False(await _store.DeleteBlobAsync(_container, "big-dst", ignoreNotFound: true));
    }

    [Fact]
    public async Task AnyOperation_WrongAccountKey_Throws403WithoutKeyOrSignatureInMessage()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connection = StorageConnection.FromSharedKey(_azurite.BlobEndpoint, new StorageSharedKeyCredential(AzuriteFixture.AccountName, wrongKey));
        using var store = new BlobStore(connection, new HttpClient(_azurite.CreateHttpHandler()));

        var exception = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetBlobAsync(_container, "x", 1));

        // Azure answers AuthenticationFailed here; Azurite answers AuthorizationFailure.
        Assert.Equal(403, exception.Status);
        Assert.Equal(StorageErrorCodes.AuthorizationFailure, exception.ErrorCode);
        Assert.DoesNotContain(wrongKey, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedKey", exception.Message, StringComparison.Ordinal);
        Assert.Equal($"GetBlob {_container}/x failed with 403 (AuthorizationFailure).", exception.Message);
    }

    [Theory]
    [InlineData("has-hyphen")]
    [InlineData("9starts")]
    [InlineData("")]
    public async Task PutBlob_MetadataNameNotIdentifier_ThrowsArgumentException(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PutBlobAsync(_container, "meta", Png, new PutBlobOptions
        {
            Metadata = new Dictionary<string, string> { [name] = "v" },
        }));
    }
}
