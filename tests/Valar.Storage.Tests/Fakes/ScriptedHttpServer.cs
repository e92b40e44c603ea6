using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Valar.Storage.Tests.Fakes;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 that answers each request with the next scripted step
/// (a status, a response cut off mid-body by a reset, or a stall) and records what it received. One request per connection.
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Queue<Step> _script;
    private readonly Step _fallback;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly List<Received> _received = [];

    public ScriptedHttpServer(IEnumerable<Step> script, Step fallback)
    {
        _script = new Queue<Step>(script);
        _fallback = fallback;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    /// <summary>Path-style "account" endpoint on this server.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/devstoreaccount1");

    public IReadOnlyList<Received> Requests
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public static Step Status(int status, string? errorCode = null, string body = "") => new(StepKind.Respond, status, errorCode, body);

    /// <summary>
    /// Headers promising 100 bytes, 3 bytes, then a TCP reset. (A reset before any response byte is retried
    /// invisibly by SocketsHttpHandler itself, so it would not exercise our loop.)
    /// </summary>
    public static Step Truncate() => new(StepKind.Truncate, 200, null, string.Empty);

    public static Step Stall() => new(StepKind.Stall, 0, null, string.Empty);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var (requestLine, headers, body) = await ReadRequestAsync(stream);
            Step step;
            lock (_received)
            {
                _received.Add(new Received(requestLine, headers, body));
                step = _script.Count > 0 ? _script.Dequeue() : _fallback;
            }

            switch (step.Kind)
            {
                case StepKind.Truncate:
                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"u8.ToArray());
                    await stream.FlushAsync();
                    await Task.Delay(50);
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                case StepKind.Stall:
                    try
                    {
                        await Task.Delay(Timeout.Infinite, _stopping.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    return;
                default:
                    var payload = Encoding.UTF8.GetBytes(step.Body);
                    var response = new StringBuilder()
                        .Append("HTTP/1.1 ").Append(step.Status).Append(" Scripted\r\n")
                        .Append("Content-Length: ").Append(payload.Length).Append("\r\n")
                        .Append("ETag: \"0x1\"\r\n")
                        .Append("Connection: close\r\n");
                    if (step.ErrorCode is not null)
                    {
                        response.Append("x-ms-error-code: ").Append(step.ErrorCode).Append("\r\n");
                    }

                    response.Append("\r\n");
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response.ToString()));
                    await stream.WriteAsync(payload);
                    return;
            }
        }
    }

    private static async Task<(string RequestLine, Dictionary<string, string> Headers, byte[] Body)> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : 0];
        await stream.ReadExactlyAsync(body);
        return (lines.FirstOrDefault() ?? string.Empty, headers, body);
    }

    internal enum StepKind
    {
        Respond,
        Truncate,
        Stall,
    }

    internal sealed record Step(StepKind Kind, int Status, string? ErrorCode, string Body);

    internal sealed record Received(string RequestLine, IReadOnlyDictionary<string, string> Headers, byte[] Body);
}
