using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Valar.Functions.Uploads;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// Blob-trigger delivery by the local host to the real worker: Event Grid events posted to the blobs extension's
/// webhook (on the <see cref="UploadFixture.Manual"/> instance, whose host does not poll, so every delivery here is the
/// webhook's), and the poison queue after 5 failed tries (on <see cref="UploadFixture.Polling"/>).
/// </summary>
[Collection(UploadCollection.Name)]
public sealed class BlobDeliveryTests(UploadFixture fixture)
{
    private const string WebhookPath = "/runtime/webhooks/blobs?functionName=Host.Functions.PrevalidateUpload";

    [Fact]
    public async Task Webhook_SubscriptionValidation_AnswersTheValidationCode()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath)
        {
            Content = new StringContent(
                """[{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x","subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://rp-eastus2.eventgrid.azure.net/api/vx"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-12-04T18:00:00Z","metadataVersion":"1","dataVersion":"1"}]""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("aeg-event-type", "SubscriptionValidation");

        using var response = await fixture.Manual.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", (await UploadFixture.ReadJsonAsync(response)).GetProperty("validationResponse").GetString());
    }

    [Fact]
    public async Task Webhook_UnknownFunction_Returns404()
    {
        using var response = await fixture.Manual.Http.PostAsync("/runtime/webhooks/blobs?functionName=Host.Functions.NoSuchFunction", new StringContent("[]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_NotEventGridJson_Returns400()
    {
        using var response = await fixture.Manual.Http.PostAsync(WebhookPath, new StringContent("{\"not\":", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_BlobCreatedForAValidPng_DecidesValidAndReadUrlServesTheExactBytes()
    {
        var png = TestImages.Png(40, 30);
        var (id, etag) = await IssueAndUploadAsync(png, "image/png");

        using (var response = await PostBlobCreatedAsync(id, etag))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var verdict = await fixture.Manual.WaitForVerdictAsync(id);
        Assert.Equal("valid", verdict.GetProperty("status").GetString());
        Assert.Equal(40, verdict.GetProperty("width").GetInt32());
        Assert.Equal(1, verdict.GetProperty("frames").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(png)), verdict.GetProperty("sha256").GetString());
        Assert.Equal(png, await fixture.Http.GetByteArrayAsync(new Uri(verdict.GetProperty("read_url").GetString()!)));
        Assert.False(await fixture.ExistsAsync(fixture.Manual.UploadContainer, id));
    }

    [Fact]
    public async Task Webhook_GifDeclaredPng_IsRejectedWithTheSeedMessageAndNothingKept()
    {
        var (id, etag) = await IssueAndUploadAsync(TestImages.Gif(16, 16), "image/png");

        using (var response = await PostBlobCreatedAsync(id, etag))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var verdict = await fixture.Manual.WaitForVerdictAsync(id);
        Assert.Equal("rejected", verdict.GetProperty("status").GetString());
        Assert.Equal("declared type image/png does not match detected type image/gif", verdict.GetProperty("error").GetProperty("message").GetString());
        Assert.False(verdict.TryGetProperty("read_url", out _));
        Assert.False(await fixture.ExistsAsync(fixture.Manual.ImageContainer, id));
    }

    [Fact]
    public async Task Webhook_SameEventEightTimesConcurrently_OneVerdictAndTheExactBytesKept()
    {
        var png = TestImages.Png(33, 17);
        var (id, etag) = await IssueAndUploadAsync(png, "image/png");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostBlobCreatedAsync(id, etag)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Accepted, response.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var verdict = await fixture.Manual.WaitForVerdictAsync(id);
        Assert.Equal("valid", verdict.GetProperty("status").GetString());
        Assert.Equal(png, await fixture.Http.GetByteArrayAsync(new Uri(verdict.GetProperty("read_url").GetString()!)));

        // A late duplicate, after the verdict and the clean-up: same verdict, nothing touched.
        using (var late = await PostBlobCreatedAsync(id, etag))
        {
            Assert.Equal(HttpStatusCode.Accepted, late.StatusCode);
        }

        var again = (await fixture.Manual.GetStatusAsync(id)).Body;
        Assert.Equal(verdict.GetProperty("sha256").GetString(), again.GetProperty("sha256").GetString());
        Assert.Equal(verdict.GetProperty("status").GetString(), again.GetProperty("status").GetString());
        Assert.Equal(png, await fixture.Http.GetByteArrayAsync(new Uri(again.GetProperty("read_url").GetString()!)));
    }

    [Fact]
    public async Task Poller_DeliveryFailsFiveTimes_BlobGoesToThePoisonQueueAndIsKept()
    {
        // A well-formed id whose record is not JSON: every invocation of the real function fails.
        var id = UploadIds.New();
        var verdicts = fixture.Blobs.GetBlobContainerClient(fixture.Polling.VerdictContainer);
        await verdicts.CreateIfNotExistsAsync();
        await verdicts.GetBlobClient(UploadStore.RecordName(id)).UploadAsync(BinaryData.FromString("{not json"));
        var upload = fixture.Blobs.GetBlobContainerClient(fixture.Polling.UploadContainer).GetBlobClient(id);
        var png = TestImages.Png(8, 8);
        await upload.UploadAsync(BinaryData.FromBytes(png), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/png" } });

        var queue = fixture.Queues.GetQueueClient("webjobs-blobtrigger-poison");
        JsonElement? message = null;
        for (var i = 0; i < 300 && message is null; i++)
        {
            if ((await queue.ExistsAsync()).Value)
            {
                foreach (var peeked in (await queue.PeekMessagesAsync(maxMessages: 32)).Value)
                {
                    var body = JsonDocument.Parse(peeked.Body.ToString()).RootElement;
                    if (body.GetProperty("BlobName").GetString() == id)
                    {
                        message = body.Clone();
                    }
                }
            }

            if (message is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(message);
        Assert.Equal("BlobTrigger", message.Value.GetProperty("Type").GetString());
        Assert.Equal("Host.Functions.PrevalidateUpload", message.Value.GetProperty("FunctionId").GetString());
        Assert.Equal("uploads", message.Value.GetProperty("ContainerName").GetString());
        Assert.Equal(5, fixture.Polling.Host.Output.Count(line => line.Contains($"for uploads/{id} failed", StringComparison.Ordinal)));
        Assert.Equal(png, (await upload.DownloadContentAsync()).Value.Content.ToArray());
        await upload.DeleteIfExistsAsync();
    }

    private async Task<(string Id, string ETag)> IssueAndUploadAsync(byte[] content, string contentType)
    {
        var upload = await fixture.Manual.CreateUploadAsync();
        using var put = await fixture.PutAsync(new Uri(upload.GetProperty("upload_url").GetString()!), content, contentType);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return (upload.GetProperty("id").GetString()!, put.Headers.ETag!.Tag);
    }

    /// <summary>A <c>Microsoft.Storage.BlobCreated</c> event in the Event Grid schema, as a system topic posts it.</summary>
    private Task<HttpResponseMessage> PostBlobCreatedAsync(string id, string etag)
    {
        var url = new Uri(fixture.Azurite.BlobEndpoint, $"{fixture.Azurite.BlobEndpoint.AbsolutePath.Trim('/')}/uploads/{id}");
        var events = new[]
        {
            new Dictionary<string, object>
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["topic"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
                ["subject"] = $"/blobServices/default/containers/uploads/blobs/{id}",
                ["eventType"] = "Microsoft.Storage.BlobCreated",
                ["eventTime"] = DateTimeOffset.UtcNow.ToString("O"),
                ["dataVersion"] = "",
                ["metadataVersion"] = "1",
                ["data"] = new Dictionary<string, object>
                {
                    ["api"] = "PutBlob",
                    ["eTag"] = etag,
                    ["contentType"] = "image/png",
                    ["blobType"] = "BlockBlob",
                    ["url"] = url.AbsoluteUri,
                },
            },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath) { Content = new StringContent(JsonSerializer.Serialize(events), Encoding.UTF8, "application/json") };
        request.Headers.Add("aeg-event-type", "Notification");
        return fixture.Manual.Http.SendAsync(request);
    }
}
