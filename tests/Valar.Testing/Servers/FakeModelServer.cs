using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Valar.Testing.Servers;

/// <summary>One request as the fake model server received it: the exact body bytes and every header.</summary>
public sealed record FakeUpstreamRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// A model server on 127.0.0.1 that speaks the three surfaces (<c>/v1/chat/completions</c>, <c>/v1/responses</c>,
/// <c>/v1/messages</c>), JSON or server-sent events when the body says <c>"stream": true</c>, always with the text
/// <see cref="AnswerText"/>. The header <c>x-fake-scenario</c> picks a misbehaviour: <c>gated</c> (first event, then
/// wait for <see cref="OpenGate"/>), <c>hold</c> (first event, then wait for the client to go away), <c>never</c>
/// (no answer at all), <c>status</c> (a 429 with its own body and headers), <c>reset</c> (drop the connection).
/// Every wait ends when the request is aborted or the server is disposed.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    public const string AnswerText = "Hello from the fake model";

    public const string StatusBody = """{"error":{"message":"slow down","type":"rate_limit_error"}}""";

    private readonly ConcurrentQueue<FakeUpstreamRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly WebApplication _app;
    private TaskCompletionSource _gate = NewSignal();

    private FakeModelServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<FakeUpstreamRequest> Requests => [.. _requests];

    public int RequestCount => _requests.Count;

    /// <summary>Set when a <c>gated</c> or <c>hold</c> stream has flushed its first event.</summary>
    public TaskCompletionSource FirstEventSent { get; private set; } = NewSignal();

    /// <summary>Set when a <c>gated</c> stream has written its last event.</summary>
    public TaskCompletionSource Finished { get; private set; } = NewSignal();

    /// <summary>Set when a <c>hold</c> or <c>never</c> request saw its client (our endpoint) go away.</summary>
    public TaskCompletionSource UpstreamAborted { get; private set; } = NewSignal();

    public static async Task<FakeModelServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(System.Net.IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        server.BaseUri = new UriBuilder(Uri.UriSchemeHttp, "127.0.0.1", bound.Port).Uri;
        return server;
    }

    /// <summary>Forgets the requests and renews the signals, for the next test.</summary>
    public void Reset()
    {
        _requests.Clear();
        FirstEventSent = NewSignal();
        Finished = NewSignal();
        UpstreamAborted = NewSignal();
        _gate = NewSignal();
    }

    /// <summary>Lets a <c>gated</c> stream send the rest of its events.</summary>
    public void OpenGate() => _gate.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>The events a streamed answer on <paramref name="path"/> consists of, each a complete SSE event.</summary>
    public static IReadOnlyList<string> Events(string path, string model)
    {
        var m = JsonSerializer.Serialize(model);
        return path switch
        {
            "/v1/chat/completions" =>
            [
                $$$"""data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1,"model":{{{m}}},"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}""" + "\n\n",
                $$$"""data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1,"model":{{{m}}},"choices":[{"index":0,"delta":{"content":" from the fake model"},"finish_reason":null}]}""" + "\n\n",
                $$$"""data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1,"model":{{{m}}},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\n",
                "data: [DONE]\n\n",
            ],
            "/v1/responses" =>
            [
                $$$"""event: response.created""" + "\n" + $$$"""data: {"type":"response.created","sequence_number":0,"response":{{{ResponseObject(m, "in_progress", withOutput: false)}}}}""" + "\n\n",
                $$$"""event: response.output_text.delta""" + "\n" + """data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_fake","output_index":0,"content_index":0,"delta":"Hello"}""" + "\n\n",
                $$$"""event: response.output_text.delta""" + "\n" + """data: {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_fake","output_index":0,"content_index":0,"delta":" from the fake model"}""" + "\n\n",
                $$$"""event: response.completed""" + "\n" + $$$"""data: {"type":"response.completed","sequence_number":3,"response":{{{ResponseObject(m, "completed", withOutput: true)}}}}""" + "\n\n",
            ],
            _ =>
            [
                "event: message_start\n" + $$$$"""data: {"type":"message_start","message":{"id":"msg_fake","type":"message","role":"assistant","model":{{{{m}}}},"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}""" + "\n\n",
                "event: content_block_start\n" + """data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""" + "\n\n",
                "event: content_block_delta\n" + """data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""" + "\n\n",
                "event: content_block_delta\n" + """data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" from the fake model"}}""" + "\n\n",
                "event: content_block_stop\n" + """data: {"type":"content_block_stop","index":0}""" + "\n\n",
                "event: message_delta\n" + """data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}""" + "\n\n",
                "event: message_stop\n" + """data: {"type":"message_stop"}""" + "\n\n",
            ],
        };
    }

    /// <summary>The non-streamed answer on <paramref name="path"/>.</summary>
    public static string Json(string path, string model)
    {
        var m = JsonSerializer.Serialize(model);
        return path switch
        {
            "/v1/chat/completions" => $$$"""{"id":"chatcmpl-fake","object":"chat.completion","created":1,"model":{{{m}}},"choices":[{"index":0,"message":{"role":"assistant","content":"{{{AnswerText}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":3,"total_tokens":4}}""",
            "/v1/responses" => ResponseObject(m, "completed", withOutput: true),
            _ => $$$"""{"id":"msg_fake","type":"message","role":"assistant","model":{{{m}}},"content":[{"type":"text","text":"{{{AnswerText}}}"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":3}}""",
        };
    }

    private static string ResponseObject(string model, string status, bool withOutput)
    {
        var output = withOutput
            ? $$$"""[{"type":"message","id":"msg_fake","status":"completed","role":"assistant","content":[{"type":"output_text","text":"{{{AnswerText}}}","annotations":[]}]}]"""
            : "[]";
        return $$$$"""{"id":"resp_fake","object":"response","created_at":1,"status":"{{{{status}}}}","model":{{{{model}}}},"output":{{{{output}}}},"parallel_tool_calls":true,"tool_choice":"auto","tools":[],"usage":{"input_tokens":1,"output_tokens":3,"total_tokens":4,"input_tokens_details":{"cached_tokens":0},"output_tokens_details":{"reasoning_tokens":0}}}""";
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task HandleAsync(HttpContext context)
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = aborted.Token;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, token).ConfigureAwait(false);
        var path = context.Request.Path.Value ?? "/";
        var headers = context.Request.Headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString());
        _requests.Enqueue(new FakeUpstreamRequest(path, context.Request.QueryString.Value ?? "", headers, body.ToArray()));

        var (model, stream) = ReadModelAndStream(body.GetBuffer().AsMemory(0, (int)body.Length));
        var scenario = context.Request.Headers["x-fake-scenario"].ToString();
        switch (scenario)
        {
            case "reset":
                context.Abort();
                return;
            case "never":
                await WaitForAbortAsync(token).ConfigureAwait(false);
                return;
            case "status":
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.ContentType = "application/json";
                context.Response.Headers["retry-after"] = "7";
                context.Response.Headers["x-upstream"] = "fake";
                await context.Response.WriteAsync(StatusBody, token).ConfigureAwait(false);
                return;
        }

        if (!stream)
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers["x-upstream"] = "fake";
            await context.Response.WriteAsync(Json(path, model), token).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["x-upstream"] = "fake";
        var events = Events(path, model);
        for (var index = 0; index < events.Count; index++)
        {
            await context.Response.WriteAsync(events[index], token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(token).ConfigureAwait(false);
            if (index == 0 && scenario is "gated" or "hold")
            {
                FirstEventSent.TrySetResult();
                if (scenario == "hold")
                {
                    await WaitForAbortAsync(token).ConfigureAwait(false);
                    return;
                }

                await _gate.Task.WaitAsync(token).ConfigureAwait(false);
            }
        }

        Finished.TrySetResult();
    }

    private async Task WaitForAbortAsync(CancellationToken token)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (!_stopping.IsCancellationRequested)
            {
                UpstreamAborted.TrySetResult();
            }
        }
    }

    private static (string Model, bool Stream) ReadModelAndStream(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "unknown";
            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            return (model, stream);
        }
        catch (JsonException)
        {
            return ("unknown", false);
        }
    }

    /// <summary>The body as text, for assertions.</summary>
    public static string Text(FakeUpstreamRequest request) => Encoding.UTF8.GetString(request.Body);
}
