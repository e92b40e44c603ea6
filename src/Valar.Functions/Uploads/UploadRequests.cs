using System.Text.Json;
using Valar.Functions.Catalog;
using Valar.Functions.Http;
using Valar.Validation.Requests;

namespace Valar.Functions.Uploads;

/// <summary>
/// The upload endpoints' work: issue an upload URL, and report an upload's status (with a fresh read URL when valid).
/// Without storage configured (<see cref="UploadStore"/> not registered) both answer 503 <c>uploads_not_configured</c>.
/// </summary>
public sealed class UploadRequests(ILogger<UploadRequests> logger, UploadStore? store = null, UploadProcessor? processor = null)
{
    private const int MaxIdAttempts = 3;

    /// <summary><c>POST /v1/uploads</c>: records a pending upload and hands out its upload URL.</summary>
    public async Task CreateAsync(HttpResponse response, CancellationToken cancellationToken = default)
    {
        if (store is null || processor is null)
        {
            await NotConfiguredAsync(response, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            for (var attempt = 0; attempt < MaxIdAttempts; attempt++)
            {
                var id = UploadIds.New();
                var uploadUrl = await store.SignUploadAsync(id, cancellationToken).ConfigureAwait(false);
                // The record exists before the URL is handed out, so no upload can ever arrive for an unrecorded id.
                var record = new UploadRecord { Id = id, Status = UploadStatus.Pending, CreatedAt = TimeProvider.System.GetUtcNow(), UploadExpiresAt = uploadUrl.ExpiresOn };
                if (!await store.TryCreateRecordAsync(record, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                UploadLog.UploadIssued(logger, id, uploadUrl.ExpiresOn);
                response.Headers.Location = StatusPath(id);
                response.Headers.CacheControl = "no-store";
                await JsonWriting.WriteAsync(response, StatusCodes.Status201Created, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", id);
                    writer.WriteString("status", "pending");
                    writer.WriteString("upload_url", uploadUrl.Uri.AbsoluteUri);
                    writer.WriteString("method", "PUT");
                    writer.WriteStartObject("headers");
                    writer.WriteString("x-ms-blob-type", "BlockBlob");
                    writer.WriteEndObject();
                    writer.WriteString("expires_at", uploadUrl.ExpiresOn);
                    writer.WriteStartObject("limits");
                    writer.WriteNumber("max_bytes", processor.Checks.MaxImageBytes);
                    ImageCheckJson.WriteChecks(writer, processor.Checks);
                    writer.WriteEndObject();
                    writer.WriteString("status_url", StatusPath(id));
                    writer.WriteEndObject();
                }, cancellationToken).ConfigureAwait(false);
                return;
            }

            throw new InvalidOperationException($"{MaxIdAttempts} random upload ids in a row were taken.");
        }
        catch (Exception exception) when (UploadStore.IsStorageFailure(exception))
        {
            UploadLog.StorageFailed(logger, exception, "create upload");
            await StorageUnavailableAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>GET /v1/uploads/{id}</c>: pending, rejected with the seed message, or valid with a fresh read URL.</summary>
    public async Task GetAsync(HttpResponse response, string id, CancellationToken cancellationToken = default)
    {
        if (store is null)
        {
            await NotConfiguredAsync(response, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!UploadIds.IsValid(id))
        {
            await NotFoundAsync(response, id, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            var found = await store.GetRecordAsync(id, cancellationToken).ConfigureAwait(false);
            if (found is not { Record: var record })
            {
                await NotFoundAsync(response, id, cancellationToken).ConfigureAwait(false);
                return;
            }

            var readUrl = record.Status == UploadStatus.Valid
                ? await store.SignReadAsync(id, cancellationToken).ConfigureAwait(false)
                : null;
            response.Headers.CacheControl = "no-store";
            await JsonWriting.WriteAsync(response, StatusCodes.Status200OK, writer => WriteStatus(writer, record, readUrl), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (UploadStore.IsStorageFailure(exception))
        {
            UploadLog.StorageFailed(logger, exception, "get upload");
            await StorageUnavailableAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void WriteStatus(Utf8JsonWriter writer, UploadRecord record, SignedUrl? readUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", record.Id);
        switch (record.Status)
        {
            case UploadStatus.Pending:
                writer.WriteString("status", "pending");
                if (record.UploadExpiresAt is { } uploadExpiresAt)
                {
                    writer.WriteString("upload_expires_at", uploadExpiresAt);
                }

                break;
            case UploadStatus.Rejected:
                writer.WriteString("status", "rejected");
                writer.WriteStartObject("error");
                writer.WriteString("message", record.Error?.Message);
                writer.WriteString("type", "invalid_request_error");
                writer.WriteString("code", record.Error?.Code);
                writer.WriteEndObject();
                break;
            default:
                writer.WriteString("status", "valid");
                writer.WriteString("media_type", record.MediaType);
                writer.WriteNumber("bytes", record.Bytes ?? 0);
                writer.WriteNumber("width", record.Width ?? 0);
                writer.WriteNumber("height", record.Height ?? 0);
                writer.WriteNumber("frames", record.Frames ?? 1);
                writer.WriteBoolean("animated", record.Animated ?? false);
                writer.WriteString("sha256", record.Sha256);
                writer.WriteString("read_url", readUrl!.Uri.AbsoluteUri);
                writer.WriteString("read_url_expires_at", readUrl.ExpiresOn);
                break;
        }

        writer.WriteEndObject();
    }

    private static Task NotFoundAsync(HttpResponse response, string id, CancellationToken cancellationToken) =>
        ErrorEnvelope.WriteAsync(response, ApiSurface.ChatCompletions, StatusCodes.Status404NotFound,
            $"no upload with id '{(id.Length > 64 ? id[..64] + "..." : id)}'", "id", "upload_not_found", cancellationToken);

    private static Task NotConfiguredAsync(HttpResponse response, CancellationToken cancellationToken) =>
        ErrorEnvelope.WriteAsync(response, ApiSurface.ChatCompletions, StatusCodes.Status503ServiceUnavailable,
            "uploads are not configured: set AzureWebJobsStorage", null, "uploads_not_configured", cancellationToken);

    private static Task StorageUnavailableAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.Headers.RetryAfter = "5";
        return ErrorEnvelope.WriteAsync(response, ApiSurface.ChatCompletions, StatusCodes.Status503ServiceUnavailable,
            "upload storage is unavailable; retry shortly", null, "storage_unavailable", cancellationToken);
    }

    private static string StatusPath(string id) => $"/v1/uploads/{id}";
}
