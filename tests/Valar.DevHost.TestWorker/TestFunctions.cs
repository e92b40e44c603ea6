using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Valar.DevHost.TestWorker;

/// <summary>Functions that exercise the host: streaming both ways, cancellation, a crash, route values, settings.</summary>
public sealed class TestFunctions
{
    /// <summary>Streams the request body back as it arrives.</summary>
    [Function("Echo")]
    public static async Task Echo([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "echo")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.ContentType = request.ContentType ?? "application/octet-stream";
        await request.Body.CopyToAsync(request.HttpContext.Response.Body, cancellationToken);
    }

    /// <summary>Reads and discards the body; answers with the number of bytes.</summary>
    [Function("CountBytes")]
    public static async Task<IActionResult> CountBytes([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "count-bytes")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return new ContentResult { Content = total.ToString(CultureInfo.InvariantCulture), ContentType = "text/plain", StatusCode = 200 };
    }

    /// <summary>Writes <c>chunks</c> chunks of text, <c>delayMs</c> apart.</summary>
    [Function("SlowStream")]
    public static async Task SlowStream([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "slow-stream")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chunks = int.TryParse(request.Query["chunks"], CultureInfo.InvariantCulture, out var c) ? Math.Clamp(c, 1, 100) : 5;
        var delay = int.TryParse(request.Query["delayMs"], CultureInfo.InvariantCulture, out var d) ? Math.Clamp(d, 0, 5000) : 100;
        var response = request.HttpContext.Response;
        response.ContentType = "text/plain";
        for (var i = 0; i < chunks; i++)
        {
            await response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"chunk {i}\n"), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            await Task.Delay(delay, cancellationToken);
        }
    }

    /// <summary>
    /// Waits (at most 120 s) for its cancellation token or the request's abort; then gives the other signal up to 2 s
    /// to arrive too, and writes which fired into <c>{CANCEL_MARKER_DIRECTORY}/{id}.cancelled</c>.
    /// </summary>
    [Function("WaitForCancel")]
    public static async Task<IActionResult> WaitForCancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "wait-for-cancel/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var directory = Environment.GetEnvironmentVariable("CANCEL_MARKER_DIRECTORY") ?? Path.GetTempPath();
        var safeId = Path.GetFileName(id);
        var aborted = request.HttpContext.RequestAborted;
        await File.WriteAllTextAsync(Path.Combine(directory, safeId + ".started"), "started", CancellationToken.None);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, aborted);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(120), either.Token);
            return new OkObjectResult("not cancelled");
        }
        catch (OperationCanceledException)
        {
            using var both = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            while (!(cancellationToken.IsCancellationRequested && aborted.IsCancellationRequested) && !both.IsCancellationRequested)
            {
                await Task.Delay(20, CancellationToken.None);
            }

            var marker = string.Create(
                CultureInfo.InvariantCulture,
                $"invocation-cancelled={cancellationToken.IsCancellationRequested}; request-aborted={aborted.IsCancellationRequested}");
            await File.WriteAllTextAsync(Path.Combine(directory, safeId + ".cancelled"), marker, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Streams <c>{bytes}</c> bytes of a repeating 251-byte pattern (byte i is i mod 251), 64 KiB per write.</summary>
    [Function("Generate")]
    public static async Task Generate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "generate/{bytes}")] HttpRequest request,
        string bytes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var total = long.Parse(bytes, CultureInfo.InvariantCulture);
        var chunk = new byte[(64 * 1024) + 251];
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)(i % 251);
        }

        var response = request.HttpContext.Response;
        response.ContentType = "application/octet-stream";
        response.ContentLength = total;
        long written = 0;
        while (written < total)
        {
            var count = (int)Math.Min(64 * 1024, total - written);
            await response.Body.WriteAsync(chunk.AsMemory((int)(written % 251), count), cancellationToken);
            written += count;
        }
    }

    /// <summary>Ends the worker process at once with exit code 3.</summary>
    [Function("Crash")]
    public static IActionResult Crash([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "crash")] HttpRequest request)
    {
        Environment.Exit(3);
        return new OkResult();
    }

    /// <summary>Answers with the route value, e.g. <c>GET /test/items/42</c> → <c>item 42</c>.</summary>
    [Function("GetItem")]
    public static IActionResult GetItem([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{id}")] HttpRequest request, string id) =>
        new ContentResult { Content = "item " + id, ContentType = "text/plain", StatusCode = 200 };

    /// <summary>Answers with the environment variable named by the route (the tests read local.settings.json values).</summary>
    [Function("Setting")]
    public static IActionResult Setting([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "settings/{name}")] HttpRequest request, string name) =>
        Environment.GetEnvironmentVariable(name) is { } value
            ? new ContentResult { Content = value, ContentType = "text/plain", StatusCode = 200 }
            : new NotFoundResult();

    /// <summary>A function without a route: served at its name.</summary>
    [Function("Ping")]
    public static IActionResult Ping([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request) =>
        new ContentResult { Content = "pong", ContentType = "text/plain", StatusCode = 200 };
}
