using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Valar.Functions.Tests.Hosting;

namespace Valar.Benchmarks;

/// <summary>
/// The app at 127.0.0.1 and a client that posts pre-built bodies to it: in-process (<see cref="InProcessApp"/>, the
/// function classes on Kestrel) or end to end (the local Functions host and the real isolated worker, two processes).
/// </summary>
internal sealed class ValarHost : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly FunctionsHost? _functionsHost;

    private ValarHost(WebApplication? app, FunctionsHost? functionsHost, Uri baseUri)
    {
        _app = app;
        _functionsHost = functionsHost;
        Client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false })
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public HttpClient Client { get; }

    public static async Task<ValarHost> StartAsync()
    {
        var app = InProcessApp.Build(new Dictionary<string, string?>
        {
            // Per-request Information logs would measure the console, not the validator.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Valar:Models:0:Id"] = Workloads.VisionModel,
            ["Valar:Models:0:SupportsImages"] = "true",
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ValarHost(app, null, new Uri(address));
    }

    /// <summary>The Release build output of the app run by tools/Valar.DevHost; <see cref="StartCost"/> is its start to the first 200.</summary>
    public static async Task<ValarHost> StartThroughLocalHostAsync()
    {
        // The worker reads its appsettings.json, which lists the vision model the workloads use.
        var host = await FunctionsHost.StartAsync(new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" }).ConfigureAwait(false);
        return new ValarHost(null, host, host.BaseUri);
    }

    public TimeSpan? StartCost => _functionsHost?.StartToFirstOk;

    /// <summary>Posts <paramref name="body"/> once and insists on a 200.</summary>
    public async Task PostAsync(byte[] body, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await Client.PostAsync("/v1/chat/completions", content, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(text)}");
        }
    }

    /// <summary><paramref name="concurrency"/> clients posting <paramref name="body"/> back to back for <paramref name="duration"/>.</summary>
    public async Task<LoadResult> LoadAsync(byte[] body, int concurrency, TimeSpan duration, int minimumRequests = 1)
    {
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => PostAsync(body))).ConfigureAwait(false);
        var requests = 0;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration || Volatile.Read(ref requests) < minimumRequests)
            {
                await PostAsync(body).ConfigureAwait(false);
                Interlocked.Increment(ref requests);
            }
        })).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new LoadResult(requests, elapsed, allocated, body.Length);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        if (_functionsHost is not null)
        {
            await _functionsHost.DisposeAsync().ConfigureAwait(false);
        }
    }
}

internal readonly record struct LoadResult(int Requests, double Seconds, long AllocatedBytes, int BodyBytes)
{
    public double RequestsPerSecond => Requests / Seconds;

    public double GigabytesPerSecond => Requests * (double)BodyBytes / Seconds / 1e9;

    public double AllocatedPerBody => AllocatedBytes / (double)Requests / BodyBytes;
}
