using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Valar.Functions.Uploads;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// Deliveries of uploaded blobs to <see cref="UploadProcessor"/>, the code behind the Event Grid blob trigger, against the same Azurite and containers as the
/// <see cref="UploadFixture.Manual"/> worker, whose host does not poll: each test decides exactly which deliveries happen,
/// and issues and reads uploads through the real worker (DESIGN §6; at-least-once delivery).
/// </summary>
[Collection(UploadCollection.Name)]
public sealed class UploadProcessorTests(UploadFixture fixture)
{
    private const string SourceETag = "\"0x8DCAFE0123456789\"";

    private AppInstance App => fixture.Manual;

    private UploadProcessor Processor => new(
        new UploadStore(fixture.Blobs, new UploadOptions { UploadContainer = App.UploadContainer, ImageContainer = App.ImageContainer, VerdictContainer = App.VerdictContainer }),
        UploadFixture.Checks,
        NullLogger<UploadProcessor>.Instance);

    [Fact]
    public async Task Deliver_ValidPng_DecidesValidAndRecordsTheDelivery()
    {
        var png = TestImages.Png(32, 16);
        var id = await IssueAndUploadAsync(png, "image/png");

        var outcome = await Processor.ProcessAsync(Delivery(id, png, "image/png"));

        Assert.Equal(UploadDisposition.Decided, outcome.Disposition);
        Assert.Equal(UploadStatus.Valid, outcome.Record!.Status);
        await AssertValidAsync(id, png);
        var record = await ReadRecordAsync(id);
        Assert.Equal("valid", record.GetProperty("status").GetString());
        Assert.Equal(SourceETag, record.GetProperty("source_etag").GetString());
        Assert.Equal("image/png", record.GetProperty("declared_content_type").GetString());
        Assert.Equal(32, record.GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task Deliver_GifDeclaredPng_IsRejectedWithSeedMessageAndNothingKept()
    {
        var gif = TestImages.Gif(16, 16, frames: 2);
        var id = await IssueAndUploadAsync(gif, "image/png");

        var outcome = await Processor.ProcessAsync(Delivery(id, gif, "image/png"));

        Assert.Equal(UploadStatus.Rejected, outcome.Record!.Status);
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
    public async Task Deliver_NoContentTypeDeclared_JudgesByContentAlone(string? contentType)
    {
        var png = TestImages.Png(8, 8);
        var id = await IssueAndUploadAsync(png, "image/png");

        var outcome = await Processor.ProcessAsync(Delivery(id, png, contentType));

        Assert.Equal(UploadStatus.Valid, outcome.Record!.Status);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Deliver_Duplicate_GivesTheSameVerdictAndLeavesTheRecordAlone()
    {
        var png = TestImages.Png(20, 10);
        var id = await IssueAndUploadAsync(png, "image/png");
        var delivery = Delivery(id, png, "image/png");

        var first = await Processor.ProcessAsync(delivery);
        var recordAfterFirst = await ReadRecordAsync(id);
        var second = await Processor.ProcessAsync(delivery);

        Assert.Equal(UploadDisposition.Decided, first.Disposition);
        Assert.Equal(UploadDisposition.AlreadyDecided, second.Disposition);
        Assert.Equal(UploadStatus.Valid, second.Record!.Status);
        Assert.Equal(recordAfterFirst.GetRawText(), (await ReadRecordAsync(id)).GetRawText());
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Deliver_EightConcurrently_AllSucceedWithOneVerdict()
    {
        var png = TestImages.Png(40, 30, padToBytes: 256 * 1024);
        var id = await IssueAndUploadAsync(png, "image/png");
        var delivery = Delivery(id, png, "image/png");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Processor.ProcessAsync(delivery))));

        Assert.All(outcomes, outcome => Assert.Equal(UploadStatus.Valid, outcome.Record!.Status));
        Assert.Single(outcomes, outcome => outcome.Disposition == UploadDisposition.Decided);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Deliver_ConcurrentDifferentContent_AgreesOnOneVerdictMatchingTheStoredImage()
    {
        // A client may overwrite its upload through the still-valid URL; both versions get delivered at once.
        var png = TestImages.Png(12, 12);
        var gif = TestImages.Gif(12, 12);
        var id = await IssueAndUploadAsync(png, "image/png");
        var deliveries = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? Delivery(id, png, "image/png") : Delivery(id, gif, "image/png")).ToList();

        var outcomes = await Task.WhenAll(deliveries.Select(delivery => Task.Run(() => Processor.ProcessAsync(delivery))));

        var statuses = outcomes.Select(outcome => outcome.Record!.Status).Distinct().ToList();
        Assert.Single(statuses);
        var verdict = (await App.GetStatusAsync(id)).Body;
        Assert.Equal(statuses[0] == UploadStatus.Valid ? "valid" : "rejected", verdict.GetProperty("status").GetString());
        if (statuses[0] == UploadStatus.Valid)
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
    public async Task Deliver_BlobAlreadyDeletedAfterVerdict_IsANoOp()
    {
        var png = TestImages.Png(8, 8);
        var id = await IssueAndUploadAsync(png, "image/png");
        var delivery = Delivery(id, png, "image/png");
        Assert.Equal(UploadDisposition.Decided, (await Processor.ProcessAsync(delivery)).Disposition);
        Assert.False(await fixture.ExistsAsync(App.UploadContainer, id));

        var outcome = await Processor.ProcessAsync(delivery);

        Assert.Equal(UploadDisposition.AlreadyDecided, outcome.Disposition);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Deliver_BlobGoneBeforeAnyVerdict_IsDecidedFromTheDeliveredBytes()
    {
        // A delivery carries the bytes, so a blob removed meanwhile (lifecycle policy) still gets its verdict.
        var png = TestImages.Png(8, 8);
        var id = await IssueAndUploadAsync(png, "image/png");
        await fixture.Blobs.GetBlobContainerClient(App.UploadContainer).DeleteBlobAsync(id);

        var outcome = await Processor.ProcessAsync(Delivery(id, png, "image/png"));

        Assert.Equal(UploadDisposition.Decided, outcome.Disposition);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Deliver_IdNeverIssued_TouchesNothing()
    {
        var id = UploadIds.New();
        var png = TestImages.Png(8, 8);
        await fixture.Blobs.GetBlobContainerClient(App.UploadContainer).GetBlobClient(id).UploadAsync(BinaryData.FromBytes(png), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/png" } });

        var outcome = await Processor.ProcessAsync(Delivery(id, png, "image/png"));

        Assert.Equal(UploadDisposition.Unknown, outcome.Disposition);
        Assert.True(await fixture.ExistsAsync(App.UploadContainer, id));
        Assert.False(await fixture.ExistsAsync(App.ImageContainer, id));
        Assert.Equal(HttpStatusCode.NotFound, (await App.GetStatusAsync(id)).Status);
    }

    [Fact]
    public async Task Deliver_StorageStopped_ThrowsWithoutSignaturesThenRedeliverySucceeds()
    {
        var png = TestImages.Png(24, 24);
        var id = await IssueAndUploadAsync(png, "image/png");
        var delivery = Delivery(id, png, "image/png");

        await fixture.Azurite.StopAsync();
        Exception failure;
        try
        {
            failure = await Assert.ThrowsAnyAsync<Exception>(() => Processor.ProcessAsync(delivery));
        }
        finally
        {
            await fixture.Azurite.StartAsync();
        }

        // A trigger answers a storage failure with a failed invocation, so the platform delivers again.
        Assert.True(failure is RequestFailedException or AggregateException or HttpRequestException, failure.GetType().FullName);
        Assert.DoesNotContain("sig=", failure.ToString(), StringComparison.Ordinal);
        Assert.Equal("pending", (await App.GetStatusAsync(id)).Body.GetProperty("status").GetString());

        var outcome = await Processor.ProcessAsync(delivery);

        Assert.Equal(UploadDisposition.Decided, outcome.Disposition);
        await AssertValidAsync(id, png);
    }

    [Fact]
    public async Task Deliver_BlobOverTheLimit_IsRejectedBySizeWithoutItsBytes()
    {
        var id = await IssueAndUploadAsync(TestImages.Png(8, 8), "image/png");

        var outcome = await Processor.ProcessAsync(new UploadDelivery(id, ReadOnlyMemory<byte>.Empty, ExceedsLimit: true, "image/png", SourceETag));

        Assert.Equal(UploadStatus.Rejected, outcome.Record!.Status);
        var verdict = (await App.GetStatusAsync(id)).Body;
        Assert.Equal("image too large: exceeds maximum of 20971520 bytes", verdict.GetProperty("error").GetProperty("message").GetString());
        Assert.False(await fixture.ExistsAsync(App.UploadContainer, id));
        Assert.False(await fixture.ExistsAsync(App.ImageContainer, id));
    }

    private static UploadDelivery Delivery(string id, byte[] content, string? contentType) => new(id, content, ExceedsLimit: false, contentType, SourceETag);

    /// <summary>Issues an upload through the worker and puts its bytes as the client would (nothing polls for this instance).</summary>
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
        var download = await UploadStore.ReadAsync(fixture.Blobs.GetBlobContainerClient(App.VerdictContainer).GetBlobClient(UploadStore.RecordName(id)), 1024 * 1024);
        return JsonDocument.Parse(download!.Content).RootElement.Clone();
    }
}
