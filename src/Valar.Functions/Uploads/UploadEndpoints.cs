using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Valar.Functions.Http;
using Valar.Storage;
using Valar.Validation.Images;
using Valar.Validation.Requests;

namespace Valar.Functions.Uploads;

/// <summary>
/// <c>POST /v1/uploads</c> (issue an upload URL), <c>GET /v1/uploads/{id}</c> (status, and a fresh read URL when valid),
/// and <c>POST /PrevalidateUpload</c>, the custom-handler invocation route of the blob-triggered function.
/// </summary>
public static class UploadEndpoints
{
    public const string TriggerFunctionName = "PrevalidateUpload";

    private const int MaxIdAttempts = 3;

    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/uploads", CreateAsync);
        endpoints.MapGet("/v1/uploads/{id}", GetAsync);
        endpoints.MapPost($"/{TriggerFunctionName}", PrevalidateAsync);
        return endpoints;
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        if (context.RequestServices.GetService<UploadStore>() is not { } store)
        {
            await NotConfiguredAsync(context).ConfigureAwait(false);
            return;
        }

        var processor = context.RequestServices.GetRequiredService<UploadProcessor>();
        var logger = Logger(context);
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
                context.Response.Headers.Location = StatusPath(id);
                context.Response.Headers.CacheControl = "no-store";
                await JsonWriting.WriteAsync(context.Response, StatusCodes.Status201Created, writer =>
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
                    writer.WriteNumber("max_bytes", processor.MaxImageBytes);
                    writer.WriteStartArray("media_types");
                    foreach (var mediaType in ImageInspector.SupportedMediaTypes)
                    {
                        writer.WriteStringValue(mediaType);
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    writer.WriteString("status_url", StatusPath(id));
                    writer.WriteEndObject();
                }, cancellationToken).ConfigureAwait(false);
                return;
            }

            throw new InvalidOperationException($"{MaxIdAttempts} random upload ids in a row were taken.");
        }
        catch (StorageRequestException exception)
        {
            UploadLog.StorageFailed(logger, exception, "create upload");
            await StorageUnavailableAsync(context).ConfigureAwait(false);
        }
    }

    private static async Task GetAsync(HttpContext context, string id)
    {
        var cancellationToken = context.RequestAborted;
        if (context.RequestServices.GetService<UploadStore>() is not { } store)
        {
            await NotConfiguredAsync(context).ConfigureAwait(false);
            return;
        }

        if (!UploadIds.IsValid(id))
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        try
        {
            var found = await store.GetRecordAsync(id, cancellationToken).ConfigureAwait(false);
            if (found is not { Record: var record })
            {
                await NotFoundAsync(context, id).ConfigureAwait(false);
                return;
            }

            var readUrl = record.Status == UploadStatus.Valid
                ? await store.SignReadAsync(id, cancellationToken).ConfigureAwait(false)
                : null;
            context.Response.Headers.CacheControl = "no-store";
            await JsonWriting.WriteAsync(context.Response, StatusCodes.Status200OK, writer => WriteStatus(writer, record, readUrl), cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException exception)
        {
            UploadLog.StorageFailed(Logger(context), exception, "get upload");
            await StorageUnavailableAsync(context).ConfigureAwait(false);
        }
    }

    private static void WriteStatus(Utf8JsonWriter writer, UploadRecord record, SignedBlobUri? readUrl)
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
                writer.WriteNumber("frame_count", record.FrameCount ?? 1);
                writer.WriteBoolean("animated", record.Animated ?? false);
                writer.WriteString("sha256", record.Sha256);
                writer.WriteString("read_url", readUrl!.Uri.AbsoluteUri);
                writer.WriteString("read_url_expires_at", readUrl.ExpiresOn);
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// The Functions host's invocation of the blob trigger. 200 = done (decided now, decided before, or not ours, which
    /// no retry can change); 400 = a payload the host would never send; 503 = storage failed, so the host retries
    /// (and after five tries moves the blob to the poison queue).
    /// </summary>
    private static async Task PrevalidateAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var logger = Logger(context);
        if (context.RequestServices.GetService<UploadProcessor>() is not { } processor)
        {
            await InvocationResultAsync(context, StatusCodes.Status503ServiceUnavailable, "uploads are not configured: set AzureWebJobsStorage", null).ConfigureAwait(false);
            return;
        }

        var cap = TriggerBodyReader.CapFor(processor.MaxImageBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Bodies beyond the cap are streamed through in bounded memory, so no size needs refusing here.
            sizeFeature.MaxRequestBodySize = null;
        }

        var budget = context.RequestServices.GetRequiredService<BodyBufferBudget>();
        long reserve = Math.Min(context.Request.ContentLength ?? cap, cap) + TriggerBodyReader.TailBytes;
        if (!await budget.TryReserveAsync(reserve, RequestBodyReader.BudgetWait, cancellationToken).ConfigureAwait(false))
        {
            await InvocationResultAsync(context, StatusCodes.Status503ServiceUnavailable, "server busy: the body memory budget stayed full", null).ConfigureAwait(false);
            return;
        }

        try
        {
            using var body = await TriggerBodyReader.ReadAsync(context.Request.Body, cap, cancellationToken).ConfigureAwait(false);
            TriggerPayloadResult parsed;
            if (body.IsOverCap)
            {
                UploadLog.TriggerPayloadOverCap(logger, body.TotalLength, cap);
                parsed = TriggerBodyReader.MetadataFromTail(body.Content) is { } metadata
                    ? TriggerPayload.Parse(metadata, contentOptional: true)
                    : TriggerPayloadResult.Fail($"body of {body.TotalLength} bytes is over the cap and its Metadata could not be found");
            }
            else
            {
                parsed = TriggerPayload.Parse(body.Content);
            }

            if (parsed.Payload is not { } payload)
            {
                UploadLog.TriggerMalformed(logger, parsed.Error!);
                await InvocationResultAsync(context, StatusCodes.Status400BadRequest, parsed.Error!, null).ConfigureAwait(false);
                return;
            }

            if (!UploadIds.IsValid(payload.Name))
            {
                UploadLog.UploadNameIgnored(logger, payload.Name);
                await InvocationResultAsync(context, StatusCodes.Status200OK, $"ignored blob '{payload.Name}': not an upload id", new TriggerReturnValue(payload.Name, "ignored", "Ignored")).ConfigureAwait(false);
                return;
            }

            var delivery = new UploadDelivery(payload.Name, payload.Content, body.IsOverCap, payload.ContentType, payload.ETag);
            var outcome = await processor.ProcessAsync(delivery, cancellationToken).ConfigureAwait(false);
            var status = outcome.Record?.Status;
            var message = outcome.Disposition switch
            {
                UploadDisposition.Decided => $"upload {payload.Name}: {StatusName(status)}",
                UploadDisposition.AlreadyDecided => $"upload {payload.Name}: already {StatusName(status)}; clean-up only",
                _ => $"upload {payload.Name}: no upload record, blob left alone",
            };
            await InvocationResultAsync(context, StatusCodes.Status200OK, message, new TriggerReturnValue(payload.Name, StatusName(status), outcome.Disposition.ToString())).ConfigureAwait(false);
        }
        catch (StorageRequestException exception)
        {
            UploadLog.StorageFailed(logger, exception, TriggerFunctionName);
            await InvocationResultAsync(context, StatusCodes.Status503ServiceUnavailable, $"storage failed: {exception.Message}; retry", null).ConfigureAwait(false);
        }
        finally
        {
            budget.Release(reserve);
        }
    }

    private static string? StatusName(UploadStatus? status) => status switch
    {
        UploadStatus.Pending => "pending",
        UploadStatus.Valid => "valid",
        UploadStatus.Rejected => "rejected",
        _ => null,
    };

    /// <summary>The host's reply shape: <c>{"Outputs":{},"Logs":[...],"ReturnValue":...}</c>.</summary>
    private static Task InvocationResultAsync(HttpContext context, int statusCode, string log, TriggerReturnValue? returnValue)
    {
        return JsonWriting.WriteAsync(context.Response, statusCode, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Outputs");
            writer.WriteEndObject();
            writer.WriteStartArray("Logs");
            writer.WriteStringValue(log);
            writer.WriteEndArray();
            writer.WritePropertyName("ReturnValue");
            if (returnValue is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStartObject();
                writer.WriteString("id", returnValue.Id);
                writer.WriteString("status", returnValue.Status);
                writer.WriteString("disposition", returnValue.Disposition);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }, context.RequestAborted);
    }

    private static Task NotFoundAsync(HttpContext context, string id) =>
        ErrorEnvelope.WriteAsync(context.Response, ApiSurface.ChatCompletions, StatusCodes.Status404NotFound,
            $"no upload with id '{(id.Length > 64 ? id[..64] + "..." : id)}'", "id", "upload_not_found", context.RequestAborted);

    private static Task NotConfiguredAsync(HttpContext context) =>
        ErrorEnvelope.WriteAsync(context.Response, ApiSurface.ChatCompletions, StatusCodes.Status503ServiceUnavailable,
            "uploads are not configured: set AzureWebJobsStorage", null, "uploads_not_configured", context.RequestAborted);

    private static Task StorageUnavailableAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "5";
        return ErrorEnvelope.WriteAsync(context.Response, ApiSurface.ChatCompletions, StatusCodes.Status503ServiceUnavailable,
            "upload storage is unavailable; retry shortly", null, "storage_unavailable", context.RequestAborted);
    }

    private static string StatusPath(string id) => $"/v1/uploads/{id}";

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UploadEndpoints));

    private sealed record TriggerReturnValue(string Id, string? Status, string Disposition);
}
