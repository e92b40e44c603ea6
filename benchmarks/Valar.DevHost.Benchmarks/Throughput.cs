using System.Diagnostics;
using System.Globalization;

namespace Valar.DevHost.Benchmarks;

/// <summary>
/// POSTs one pre-built body again and again (N concurrent loops) and reports request-body bytes per second. Every answer
/// must be a 200 and, when <paramref name="expectCount"/> is set, say the body's length (the sinks count what they read).
/// </summary>
public sealed class Throughput(byte[] body, bool expectCount = true)
{
    public async Task<double> MeasureAsync(Uri target, int concurrency, int requestsPerLoop, CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = concurrency })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
        await SendAsync(client, target, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = 0; i < requestsPerLoop; i++)
            {
                await SendAsync(client, target, cancellationToken).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (double)body.Length * concurrency * requestsPerLoop / seconds;
    }

    private async Task SendAsync(HttpClient client, Uri target, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(target, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"{target}: {ex.Message}", ex);
        }

        using var disposeResponse = response;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode != 200 || (expectCount && text != body.Length.ToString(CultureInfo.InvariantCulture)))
        {
            throw new InvalidOperationException($"{target}: {(int)response.StatusCode} '{text}'");
        }
    }
}
