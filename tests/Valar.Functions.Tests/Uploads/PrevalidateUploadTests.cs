using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Valar.Functions.Uploads;
using Valar.Storage;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// The custom-handler invocation route <c>POST /PrevalidateUpload</c> with bodies shaped like the Functions host's,
/// on an app without the watcher, so each test decides exactly which deliveries happen (DESIGN §6, §7; issue 6 item 5).
/// </summary>
[Collection(UploadCollection.Name)]
public sealed class PrevalidateUploadTests(UploadFixture fixture)
{
    private AppInstance App => fixture.Manual;

    [Fact]
    public async Task Trigger_HostShapedPayloadWithValidPng_Returns200AndRecordsValidVerdict()
    {
        var png = TestImages.Png(32, 16);
        var id = await IssueAndUploadAsync(png, "image/png");

        var (status, body) = await App.InvokeTriggerAsync(Payload(id, png, "image/png"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Equal($"upload {id}: valid", body.GetProperty("Logs")[0].GetString());
        Assert.Equal(id, body.GetProperty("ReturnValue").GetProperty("id").GetString());
        Assert.Equal("valid", body.GetProperty("ReturnValue").GetProperty("status").GetString());
        Assert.Equal("Decided", body.GetProperty("ReturnValue").GetProperty("disposition").GetString());
        await AssertValidAsync(id, png);
        var record = await ReadRecordAsync(id);
        Assert.Equal("valid", record.GetProperty("status").GetString());
        Assert.Equal("\"0x8DCAFE0123456789\"", record.GetProperty("source_etag").GetString());
        Assert.Equal("image/png", record.GetProperty("declared_content_type").GetString());
        Assert.Equal(32, record.GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task Trigger_PayloadEscapedLikeSystemTextJson_IsDecodedTheSame()
    {
        // Enough bytes that the base64 holds '+' and '/', which this encoder writes as \u002B and \u002F.
        var png = TestImages.Png(8, 8, padToBytes: 4096);
        var id = await IssueAndUploadAsync(png, "image/png");
        var payload = HostPayloads.For(id, png, "image/png", BlobUri(id), escapeLikeSystemTextJson: true);
        Assert.Contains("\\u0022", payload, StringComparison.Ordinal);

        var (status, _) = await App.InvokeTriggerAsync(payload);

        Assert.Equal(HttpStatusCode.OK, status);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Trigger_GifDeclaredPng_IsRejectedWithSeedMessageAndNothingKept()
    {
        var gif = TestImages.Gif(16, 16, frames: 2);
        var id = await IssueAndUploadAsync(gif, "image/png");

        var (status, body) = await App.InvokeTriggerAsync(Payload(id, gif, "image/png"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rejected", body.GetProperty("ReturnValue").GetProperty("status").GetString());
        var verdict = (await App.GetStatusAsync(id)).Body;
        Assert.Equal("declared type image/png does not match detected type image/gif", verdict.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("declared_type_mismatch", verdict.GetProperty("error").GetProperty("code").GetString());
        Assert.False(verdict.TryGetProperty("read_url", out _));
        Assert.False(await fixture.ExistsAsync(App.ImageContainer, id));
        Assert.False(await fixture.ExistsAsync(App.UploadContainer, id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/octet-stream")]
    public async Task Trigger_NoContentTypeDeclared_JudgesByContentAlone(string? contentType)
    {
        var png = TestImages.Png(8, 8);
        var id = await IssueAndUploadAsync(png, "image/png");

        var (status, _) = await App.InvokeTriggerAsync(Payload(id, png, contentType));

        Assert.Equal(HttpStatusCode.OK, status);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Trigger_DuplicateDelivery_Returns200WithTheSameVerdict()
    {
        var png = TestImages.Png(20, 10);
        var id = await IssueAndUploadAsync(png, "image/png");
        var payload = Payload(id, png, "image/png");

        var first = await App.InvokeTriggerAsync(payload);
        var recordAfterFirst = await ReadRecordAsync(id);
        var second = await App.InvokeTriggerAsync(payload);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal("AlreadyDecided", second.Body.GetProperty("ReturnValue").GetProperty("disposition").GetString());
        Assert.Equal("valid", second.Body.GetProperty("ReturnValue").GetProperty("status").GetString());
        Assert.Equal(recordAfterFirst.GetRawText(), (await ReadRecordAsync(id)).GetRawText());
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Trigger_EightConcurrentDeliveries_AllSucceedWithOneVerdict()
    {
        var png = TestImages.Png(40, 30, padToBytes: 256 * 1024);
        var id = await IssueAndUploadAsync(png, "image/png");
        var payload = Payload(id, png, "image/png");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => App.InvokeTriggerAsync(payload)));

        Assert.All(results, result => Assert.Equal(HttpStatusCode.OK, result.Status));
        Assert.All(results, result => Assert.Equal("valid", result.Body.GetProperty("ReturnValue").GetProperty("status").GetString()));
        Assert.Single(results, result => result.Body.GetProperty("ReturnValue").GetProperty("disposition").GetString() == "Decided");
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Trigger_ConcurrentDeliveriesOfDifferentContent_AgreeOnOneVerdictMatchingTheStoredImage()
    {
        // A client may overwrite its upload through the still-valid URL; both versions get delivered at once.
        var png = TestImages.Png(12, 12);
        var gif = TestImages.Gif(12, 12);
        var id = await IssueAndUploadAsync(png, "image/png");
        var payloads = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? Payload(id, png, "image/png") : Payload(id, gif, "image/png")).ToList();

        var results = await Task.WhenAll(payloads.Select(App.InvokeTriggerAsync));

        Assert.All(results, result => Assert.Equal(HttpStatusCode.OK, result.Status));
        var statuses = results.Select(result => result.Body.GetProperty("ReturnValue").GetProperty("status").GetString()).Distinct().ToList();
        Assert.Single(statuses);
        var verdict = (await App.GetStatusAsync(id)).Body;
        Assert.Equal(statuses[0], verdict.GetProperty("status").GetString());
        if (statuses[0] == "valid")
        {
            await AssertValidAsync(id, png);
        }
        else
        {
            Assert.False(verdict.TryGetProperty("read_url", out _));
            Assert.False(await fixture.ExistsAsync(App.ImageContainer, id));
        }
    }

    [Fact]
    public async Task Trigger_BlobAlreadyDeletedAfterVerdict_Returns200NoOp()
    {
        var png = TestImages.Png(8, 8);
        var id = await IssueAndUploadAsync(png, "image/png");
        var payload = Payload(id, png, "image/png");
        Assert.Equal(HttpStatusCode.OK, (await App.InvokeTriggerAsync(payload)).Status);
        Assert.False(await fixture.ExistsAsync(App.UploadContainer, id));

        var (status, body) = await App.InvokeTriggerAsync(payload);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("AlreadyDecided", body.GetProperty("ReturnValue").GetProperty("disposition").GetString());
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Trigger_BlobGoneBeforeAnyVerdict_IsDecidedFromTheDeliveredBytes()
    {
        // The host's payload carries the bytes, so a blob removed meanwhile (lifecycle policy) still gets its verdict.
        var png = TestImages.Png(8, 8);
        var id = await IssueAndUploadAsync(png, "image/png");
        await fixture.Blobs.DeleteBlobAsync(App.UploadContainer, id);

        var (status, _) = await App.InvokeTriggerAsync(Payload(id, png, "image/png"));

        Assert.Equal(HttpStatusCode.OK, status);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Trigger_IdNeverIssued_Returns200AndTouchesNothing()
    {
        var id = UploadIds.New();
        var png = TestImages.Png(8, 8);
        await fixture.Blobs.PutBlobAsync(App.UploadContainer, id, png, new PutBlobOptions { ContentType = "image/png" });

        var (status, body) = await App.InvokeTriggerAsync(Payload(id, png, "image/png"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Unknown", body.GetProperty("ReturnValue").GetProperty("disposition").GetString());
        Assert.True(await fixture.ExistsAsync(App.UploadContainer, id));
        Assert.False(await fixture.ExistsAsync(App.ImageContainer, id));
        Assert.Equal(HttpStatusCode.NotFound, (await App.GetStatusAsync(id)).Status);
    }

    [Fact]
    public async Task Trigger_BlobNameNotAnUploadId_Returns200Ignored()
    {
        var (status, body) = await App.InvokeTriggerAsync(HostPayloads.For("holiday.png", TestImages.Png(4, 4), "image/png", BlobUri("holiday.png")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ignored", body.GetProperty("ReturnValue").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Trigger_StorageStoppedDuringDelivery_Returns503ThenRedeliverySucceeds()
    {
        var png = TestImages.Png(24, 24);
        var id = await IssueAndUploadAsync(png, "image/png");
        var payload = Payload(id, png, "image/png");

        await fixture.Azurite.StopAsync();
        (HttpStatusCode Status, JsonElement Body) failed;
        try
        {
            failed = await App.InvokeTriggerAsync(payload);
        }
        finally
        {
            await fixture.Azurite.StartAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.Status);
        Assert.StartsWith("storage failed: ", failed.Body.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", failed.Body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("pending", (await App.GetStatusAsync(id)).Body.GetProperty("status").GetString());

        var (status, _) = await App.InvokeTriggerAsync(payload);

        Assert.Equal(HttpStatusCode.OK, status);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Trigger_PayloadOverTheBufferCap_IsRejectedBySizeFromItsMetadata()
    {
        // Over base64(20 MiB + 1) + 1 MiB: the body is streamed through and only its tail (Metadata) is kept.
        var content = new byte[UploadFixture.MaxImageBytes + (2 * 1024 * 1024)];
        TestImages.Png(8, 8).CopyTo(content, 0);
        var id = await IssueAndUploadAsync(TestImages.Png(8, 8), "image/png");

        var (status, body) = await App.InvokeTriggerAsync(Payload(id, content, "image/png"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rejected", body.GetProperty("ReturnValue").GetProperty("status").GetString());
        var verdict = (await App.GetStatusAsync(id)).Body;
        Assert.Equal("image too large: exceeds maximum of 20971520 bytes", verdict.GetProperty("error").GetProperty("message").GetString());
        Assert.False(await fixture.ExistsAsync(App.UploadContainer, id));
        Assert.False(await fixture.ExistsAsync(App.ImageContainer, id));
    }

    public static TheoryData<string, string> MalformedPayloads => new()
    {
        { "not json", "body is not valid JSON (line 1, byte 2)" },
        { "[]", "body must be a JSON object with Data and Metadata" },
        { """{"Metadata":{"name":"\"AAAAAAAAAAAAAAAAAAAAAAAA\""}}""", "Data is required" },
        { """{"Data":[],"Metadata":{}}""", "Data must be an object" },
        { """{"Data":{},"Metadata":{"name":"\"AAAAAAAAAAAAAAAAAAAAAAAA\""}}""", "Data.blob is required" },
        { """{"Data":{"blob":42},"Metadata":{}}""", "Data.blob must be a base64 string (the binding needs \"dataType\": \"binary\")" },
        { """{"Data":{"blob":"not base64!"},"Metadata":{}}""", "Data.blob is not valid base64" },
        { """{"Data":{"blob":"iVBORw=="}}""", "Metadata is required" },
        { """{"Data":{"blob":"iVBORw=="},"Metadata":"x"}""", "Metadata must be an object" },
        { """{"Data":{"blob":"iVBORw=="},"Metadata":{"Uri":"\"http://127.0.0.1/x\""}}""", "Metadata.name is required" },
        { """{"Data":{"blob":"iVBORw=="},"Metadata":{"name":7}}""", "Metadata.name must be a JSON-encoded string such as \"\\\"<id>\\\"\"" },
        { """{"Data":{"blob":"iVBORw=="},"Metadata":{"name":"\"unterminated"}}""", "Metadata.name must be a JSON-encoded string such as \"\\\"<id>\\\"\"" },
        { """{"Data":{"blob":"iVBORw=="},"Metadata":{"name":"\"AAAAAAAAAAAAAAAAAAAAAAAA\"","Properties":[]}}""", "Metadata.Properties must be an object" },
        { """{"Data":{"blob":"iVBORw=="},"Metadata":{"name":"\"AAAAAAAAAAAAAAAAAAAAAAAA\"","Properties":{"ContentType":5}}}""", "Metadata.Properties.ContentType must be a string" },
        { """{"Data":{"blob":"iVBORw==""", "body is not valid JSON (line 1, byte 26)" },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public async Task Trigger_MalformedPayload_Returns400NamingTheField(string payload, string message)
    {
        var (status, body) = await App.InvokeTriggerAsync(payload);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body.GetProperty("Logs")[0].GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ReturnValue").ValueKind);
    }

    private string Payload(string id, byte[] content, string? contentType) => HostPayloads.For(id, content, contentType, BlobUri(id));

    private Uri BlobUri(string id) => fixture.Blobs.GetBlobUri(App.UploadContainer, id);

    /// <summary>Issues an upload through the API and puts its bytes as the client would (no watcher runs here).</summary>
    private async Task<string> IssueAndUploadAsync(byte[] content, string contentType)
    {
        var upload = await App.CreateUploadAsync();
        using var put = await fixture.PutAsync(new Uri(upload.GetProperty("upload_url").GetString()!), content, contentType);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return upload.GetProperty("id").GetString()!;
    }

    private async Task AssertValidAsync(string id, byte[] expected)
    {
        var verdict = (await App.GetStatusAsync(id)).Body;
        Assert.Equal("valid", verdict.GetProperty("status").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), verdict.GetProperty("sha256").GetString());
        Assert.Equal(expected, await fixture.Http.GetByteArrayAsync(new Uri(verdict.GetProperty("read_url").GetString()!)));
        Assert.False(await fixture.ExistsAsync(App.UploadContainer, id));
    }

    private async Task<JsonElement> ReadRecordAsync(string id)
    {
        var download = await fixture.Blobs.GetBlobAsync(App.VerdictContainer, UploadStore.RecordName(id), 1024 * 1024);
        return JsonDocument.Parse(download.Content).RootElement.Clone();
    }
}
