using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Valar.Testing.Images;
using Valar.Validation;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// The whole flow against Azurite through the local host and the real worker, delivered by the host's Azurite poller
/// (the blob trigger as Azure's host runs it, minus Event Grid): ask for an upload URL, PUT with plain HttpClient,
/// poll, read back through the signed read URL; the URLs the endpoints issue are checked for scope and permissions.
/// </summary>
[Collection(UploadCollection.Name)]
public sealed class UploadFlowTests(UploadFixture fixture)
{
    private static readonly string[] MediaTypes = ["image/jpeg", "image/png", "image/webp", "image/gif"];

    private AppInstance App => fixture.Polling;

    [Fact]
    public async Task CreateUpload_NoBody_ReturnsIdUploadUrlLimitsAndStatusUrl()
    {
        var before = DateTimeOffset.UtcNow;
        var upload = await App.CreateUploadAsync();

        var id = upload.GetProperty("id").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{24}$", id);
        Assert.Equal("pending", upload.GetProperty("status").GetString());
        Assert.Equal("PUT", upload.GetProperty("method").GetString());
        Assert.Equal("BlockBlob", upload.GetProperty("headers").GetProperty("x-ms-blob-type").GetString());
        Assert.Equal($"/v1/uploads/{id}", upload.GetProperty("status_url").GetString());
        Assert.Equal(UploadFixture.MaxImageBytes, upload.GetProperty("limits").GetProperty("max_bytes").GetInt64());
        Assert.Equal(MediaTypes, upload.GetProperty("limits").GetProperty("media_types").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("decode", upload.GetProperty("limits").GetProperty("integrity").GetString());
        Assert.Equal(ImageCheckOptions.DefaultMaxDecodePixels, upload.GetProperty("limits").GetProperty("max_decode_pixels").GetInt64());

        var uploadUrl = new Uri(upload.GetProperty("upload_url").GetString()!);
        Assert.Equal($"/{fixture.Azurite.BlobEndpoint.AbsolutePath.Trim('/')}/uploads/{id}", uploadUrl.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(uploadUrl.Query);
        Assert.Equal("cw", query["sp"]);
        Assert.Equal("b", query["sr"]);
        Assert.Equal("https,http", query["spr"]);
        var expiresAt = upload.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddMinutes(10).AddSeconds(-2), DateTimeOffset.UtcNow.AddMinutes(10).AddSeconds(1));

        var (status, body) = await App.GetStatusAsync(id);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pending", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("read_url", out _));
    }

    [Fact]
    public async Task CreateUpload_TwoCalls_IssueDifferentIds()
    {
        var first = await App.CreateUploadAsync();
        var second = await App.CreateUploadAsync();

        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Upload_PngPutToUploadUrl_BecomesValidAndReadUrlServesTheSameBytes()
    {
        var png = TestImages.Png(64, 48);
        var upload = await App.CreateUploadAsync();
        var id = upload.GetProperty("id").GetString()!;

        using (var put = await fixture.PutAsync(new Uri(upload.GetProperty("upload_url").GetString()!), png, "image/png"))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var verdict = await App.WaitForVerdictAsync(id);

        Assert.Equal("valid", verdict.GetProperty("status").GetString());
        Assert.Equal("image/png", verdict.GetProperty("media_type").GetString());
        Assert.Equal(png.Length, verdict.GetProperty("bytes").GetInt64());
        Assert.Equal(64, verdict.GetProperty("width").GetInt32());
        Assert.Equal(48, verdict.GetProperty("height").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(png)), verdict.GetProperty("sha256").GetString());
        var readUrl = new Uri(verdict.GetProperty("read_url").GetString()!);
        Assert.Equal("r", System.Web.HttpUtility.ParseQueryString(readUrl.Query)["sp"]);
        Assert.EndsWith($"/images/{id}", readUrl.AbsolutePath, StringComparison.Ordinal);
        Assert.InRange(verdict.GetProperty("read_url_expires_at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(1));

        var served = await fixture.Http.GetByteArrayAsync(readUrl);
        Assert.Equal(png, served);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(served)), verdict.GetProperty("sha256").GetString());
        Assert.False(await fixture.ExistsAsync(App.UploadContainer, id));
    }

    [Fact]
    public async Task GetUpload_Twice_IssuesAFreshReadUrlEachTime()
    {
        var id = await UploadValidAsync(TestImages.Png(8, 8));
        var first = (await App.GetStatusAsync(id)).Body.GetProperty("read_url").GetString();
        await Task.Delay(1100);
        var second = (await App.GetStatusAsync(id)).Body.GetProperty("read_url").GetString();

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("gif declared png", "image/png", "declared type image/png does not match detected type image/gif")]
    [InlineData("20 MiB + 1 byte", "image/png", "image too large: exceeds maximum of 20971520 bytes")]
    [InlineData("text file", "text/plain", "unsupported image type text/plain: only image/jpeg, image/png, image/webp, image/gif are accepted")]
    public async Task Upload_BadContent_IsRejectedWithSeedMessageAndBytesRemoved(string name, string contentType, string message)
    {
        // Built here, not in the attribute: xUnit would serialize a 20 MiB array into the test case.
        var content = name switch
        {
            "gif declared png" => TestImages.Gif(16, 16),
            "20 MiB + 1 byte" => TestImages.Png(8, 8, padToBytes: (20 * 1024 * 1024) + 1),
            _ => Encoding.UTF8.GetBytes("hello, this is not an image\n"),
        };
        var (id, verdict) = await UploadAndWaitForVerdictAsync(content, contentType);

        Assert.Equal("rejected", verdict.GetProperty("status").GetString());
        Assert.Equal(message, verdict.GetProperty("error").GetProperty("message").GetString());
        Assert.False(verdict.TryGetProperty("read_url", out _));
        Assert.False(await fixture.ExistsAsync(App.ImageContainer, id));
        Assert.False(await fixture.ExistsAsync(App.UploadContainer, id));
        // Asked again, still no read URL.
        Assert.False((await App.GetStatusAsync(id)).Body.TryGetProperty("read_url", out _));
    }

    [Theory]
    [InlineData("png-flipped-bytes-crc-fixed.png", "image/png")]
    [InlineData("webp-lossless-flipped-bytes.webp", "image/webp")]
    [InlineData("webp-bomb-16383.webp", "image/webp")]
    public async Task Upload_ImageOnlyAFullDecodeRefuses_IsRejectedAtTheUploadsDefaultDecodeLevel(string file, string contentType)
    {
        var content = ImageCorpus.Load(file);
        Assert.True(ImageContentChecker.CheckBytes(content, contentType, ImageCheckOptions.Default).Succeeded, "the structure level passes it");
        var expected = ImageContentChecker.CheckBytes(content, contentType, UploadFixture.Checks).Error!;
        var (id, verdict) = await UploadAndWaitForVerdictAsync(content, contentType);

        Assert.Equal("rejected", verdict.GetProperty("status").GetString());
        Assert.Equal(expected.Message, verdict.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(expected.Code is ValidationErrorCode.InvalidImage ? "invalid_image" : "pixel_budget_exceeded", verdict.GetProperty("error").GetProperty("code").GetString());
        Assert.False(await fixture.ExistsAsync(App.ImageContainer, id));
    }

    [Fact]
    public async Task ReadUrl_UsedAsImageUrlInChatCompletions_IsValidated()
    {
        var png = TestImages.Png(64, 48);
        var id = await UploadValidAsync(png);
        var readUrl = (await App.GetStatusAsync(id)).Body.GetProperty("read_url").GetString();
        var request = new
        {
            model = UploadFixture.VisionModel,
            messages = new object[]
            {
                new { role = "user", content = new object[] { new { type = "text", text = "What is this?" }, new { type = "image_url", image_url = new { url = readUrl } } } },
            },
        };

        using var response = await App.Http.PostAsJsonAsync("/v1/chat/completions", request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("image/png", body, StringComparison.Ordinal);
        Assert.Contains(png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadUrl_Put_IsRefusedWith403()
    {
        var id = await UploadValidAsync(TestImages.Png(8, 8));
        var readUrl = new Uri((await App.GetStatusAsync(id)).Body.GetProperty("read_url").GetString()!);

        using var put = await fixture.PutAsync(readUrl, TestImages.Gif(4, 4), "image/png");

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(TestImages.Png(8, 8), await fixture.Http.GetByteArrayAsync(readUrl));
    }

    [Fact]
    public async Task ReadUrl_PointedAtSiblingImage_IsRefusedWith403()
    {
        var id = await UploadValidAsync(TestImages.Png(8, 8));
        var sibling = await UploadValidAsync(TestImages.Png(9, 9));
        var readUrl = (await App.GetStatusAsync(id)).Body.GetProperty("read_url").GetString()!;

        using var response = await fixture.Http.GetAsync(new Uri(readUrl.Replace($"/images/{id}?", $"/images/{sibling}?", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UploadUrl_Get_IsRefusedWith403()
    {
        var upload = await App.CreateUploadAsync();
        var uploadUrl = new Uri(upload.GetProperty("upload_url").GetString()!);
        // Read the blob through storage before the watcher can take it away: the URL must not read it either way.
        await fixture.Blobs.GetBlobContainerClient(App.UploadContainer).GetBlobClient("not-an-upload-id.png").UploadAsync(BinaryData.FromBytes(TestImages.Png(4, 4)), overwrite: true);

        using var get = await fixture.Http.GetAsync(uploadUrl);
        using var sibling = await fixture.Http.GetAsync(new Uri(uploadUrl.AbsoluteUri.Replace(upload.GetProperty("id").GetString()!, "not-an-upload-id.png", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sibling.StatusCode);
    }

    [Fact]
    public async Task GetUpload_StorageStopped_Returns503StorageUnavailableThenRecovers()
    {
        var id = await UploadValidAsync(TestImages.Png(11, 11));

        await fixture.Azurite.StopAsync();
        HttpStatusCode status;
        System.Text.Json.JsonElement body;
        HttpStatusCode createStatus;
        try
        {
            (status, body) = await App.GetStatusAsync(id);
            using var create = await App.Http.PostAsync("/v1/uploads", content: null);
            createStatus = create.StatusCode;
        }
        finally
        {
            await fixture.Azurite.StartAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("upload storage is unavailable; retry shortly", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("storage_unavailable", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, createStatus);
        Assert.Equal("valid", (await App.GetStatusAsync(id)).Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Poller_StorageDownForSeveralTicks_RecoversAndValidatesLaterUploads()
    {
        await fixture.Azurite.StopAsync();
        try
        {
            // Several poll ticks fail to list; each is logged and the loop goes on.
            await Task.Delay(1000);
        }
        finally
        {
            await fixture.Azurite.StartAsync();
        }

        var id = await UploadValidAsync(TestImages.Png(10, 10));

        Assert.Equal("valid", (await App.GetStatusAsync(id)).Body.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("holiday.png")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAB")]
    public async Task Poller_BlobNotIssuedByTheApp_IsLeftAloneAndLaterUploadsAreValidated(string name)
    {
        // A foreign name, and a well-formed id that was never issued (no record): neither is ours to judge or delete.
        var foreign = fixture.Blobs.GetBlobContainerClient(App.UploadContainer).GetBlobClient(name);
        await foreign.UploadAsync(BinaryData.FromBytes(TestImages.Png(4, 4)), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/png" } });

        var id = await UploadValidAsync(TestImages.Png(12, 12));

        Assert.Equal("valid", (await App.GetStatusAsync(id)).Body.GetProperty("status").GetString());
        Assert.True(await fixture.ExistsAsync(App.UploadContainer, name));
        Assert.False(await fixture.ExistsAsync(App.ImageContainer, name));
        await foreign.DeleteIfExistsAsync();
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("short")]
    [InlineData("has.dots.and.more.than.twenty.four.characters")]
    public async Task GetUpload_UnknownOrMalformedId_Returns404InOpenAiEnvelope(string id)
    {
        var (status, body) = await App.GetStatusAsync(id);

        Assert.Equal(HttpStatusCode.NotFound, status);
        var error = body.GetProperty("error");
        Assert.Equal($"no upload with id '{id}'", error.GetProperty("message").GetString());
        Assert.Equal("not_found_error", error.GetProperty("type").GetString());
        Assert.Equal("id", error.GetProperty("param").GetString());
        Assert.Equal("upload_not_found", error.GetProperty("code").GetString());
    }

    private async Task<string> UploadValidAsync(byte[] png)
    {
        var upload = await App.CreateUploadAsync();
        var id = upload.GetProperty("id").GetString()!;
        using (var put = await fixture.PutAsync(new Uri(upload.GetProperty("upload_url").GetString()!), png, "image/png"))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var verdict = await App.WaitForVerdictAsync(id);
        Assert.Equal("valid", verdict.GetProperty("status").GetString());
        return id;
    }

    /// <summary>Asks for an upload URL, PUTs <paramref name="content"/> to it (201) and waits for the verdict.</summary>
    private async Task<(string Id, JsonElement Verdict)> UploadAndWaitForVerdictAsync(byte[] content, string contentType)
    {
        var upload = await App.CreateUploadAsync();
        var id = upload.GetProperty("id").GetString()!;
        using (var put = await fixture.PutAsync(new Uri(upload.GetProperty("upload_url").GetString()!), content, contentType))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        return (id, await App.WaitForVerdictAsync(id));
    }
}
