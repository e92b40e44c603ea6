using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Valar.Benchmarks;
using Valar.LoadTest;
using Valar.Testing.Images;
using Valar.Testing.Servers;

// Bounded load test (docs/security.md, "Load"): N clients for a fixed time against the app on loopback.
//   dotnet run -c Release --project tools/Valar.LoadTest -- --clients 64 --seconds 30
var options = LoadOptions.Parse(args);
var invariant = CultureInfo.InvariantCulture;

await using var images = await LoopbackImageServer.StartAsync();
images.MapBytes("/cat.png", TestImages.Png(64, 48));
// A hostile server: declares 20 MB, sends 10 bytes and stalls until the fetch deadline. What a fetch holds for it is
// the memory a server can make us keep without sending it.
images.MapLyingContentLength("/stalls.png", TestImages.Png(64, 48)[..10], declaredLength: 20_000_000, holdOpen: true);

WebApplication? app = null;
var target = options.Url;
if (target is null)
{
    // The function classes in-process; the app reads appsettings.json (its models and limits) from its content
    // root: the tool's output folder.
    app = InProcessApp.Build(new Dictionary<string, string?>
    {
        ["Valar:Fetch:AllowedNetworks:0"] = "127.0.0.1/32",
        ["Valar:MaxBufferedBodyBytes"] = (options.BudgetMebibytes * 1024L * 1024).ToString(invariant),
        ["Valar:MaxRequestBodyBytes"] = (options.BodyLimitMebibytes * 1024L * 1024).ToString(invariant),
        ["Logging:LogLevel:Default"] = "Warning",
    },
    AppContext.BaseDirectory);
    await app.StartAsync();
    target = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
}

var mix = RequestMix.Build(app is null ? null : images.BaseUri, options.LargeMebibytes);
var weighted = mix.SelectMany(entry => Enumerable.Repeat(entry, entry.Weight)).ToArray();
using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = options.Clients }) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(120) };

var statuses = new ConcurrentDictionary<string, int>();
var unexpected = new ConcurrentDictionary<string, int>();
var latencies = new ConcurrentBag<double>();
var process = Process.GetCurrentProcess();
long peakWorkingSet = 0;
long peakBudgetInUse = 0;
long peakHeap = 0;
var budget = app?.Services.GetRequiredService<Valar.Functions.Http.BodyBufferBudget>();
var stop = DateTime.UtcNow + TimeSpan.FromSeconds(options.Seconds);
var sampler = Task.Run(async () =>
{
    while (DateTime.UtcNow < stop)
    {
        process.Refresh();
        peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
        peakBudgetInUse = Math.Max(peakBudgetInUse, budget?.InUseBytes ?? 0);
        peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
        await Task.Delay(100);
    }
});

Console.WriteLine($"target {target}, {options.Clients} clients, {options.Seconds} s, large image {options.LargeMebibytes} MiB" +
    (app is null ? string.Empty : $", in-process app: body limit {options.BodyLimitMebibytes} MiB, body budget {options.BudgetMebibytes} MiB"));
var clock = Stopwatch.StartNew();
var clients = Enumerable.Range(0, options.Clients).Select(client => Task.Run(async () =>
{
    var random = new Random(client);
    while (DateTime.UtcNow < stop)
    {
        var entry = weighted[random.Next(weighted.Length)];
        using var content = new ByteArrayContent(entry.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var started = Stopwatch.GetTimestamp();
        string outcome;
        try
        {
            using var response = await http.PostAsync(entry.Path, content);
            await response.Content.CopyToAsync(Stream.Null);
            outcome = ((int)response.StatusCode).ToString(invariant);
            if ((int)response.StatusCode != entry.ExpectedStatus)
            {
                unexpected.AddOrUpdate($"{entry.Name}: {outcome}", 1, (_, count) => count + 1);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            outcome = exception.GetType().Name;
            unexpected.AddOrUpdate($"{entry.Name}: {outcome}", 1, (_, count) => count + 1);
        }

        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        statuses.AddOrUpdate(outcome, 1, (_, count) => count + 1);
    }
})).ToArray();
await Task.WhenAll(clients);
clock.Stop();
await sampler;

var sorted = latencies.Order().ToArray();
double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
process.Refresh();
Console.WriteLine($"requests {sorted.Length} in {clock.Elapsed.TotalSeconds:0.0} s = {sorted.Length / clock.Elapsed.TotalSeconds:0} rps");
Console.WriteLine($"status histogram: {string.Join(", ", statuses.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"))}");
Console.WriteLine(unexpected.IsEmpty
    ? "unexpected: none"
    : $"UNEXPECTED: {string.Join(", ", unexpected.Select(pair => $"{pair.Key} x{pair.Value}"))}");
Console.WriteLine($"latency p50 {Percentile(0.50):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {Percentile(1):0.0} ms");
Console.WriteLine($"peak working set {peakWorkingSet / (1024.0 * 1024):0} MiB sampled, {process.PeakWorkingSet64 / (1024.0 * 1024):0} MiB OS peak (whole process: app, clients and image server)");
if (app is not null)
{
    Console.WriteLine($"request bodies held: peak {peakBudgetInUse / (1024.0 * 1024):0} MiB of the {options.BudgetMebibytes} MiB budget (bound: budget, each body at most {options.BodyLimitMebibytes} MiB); GC heap peak {peakHeap / (1024.0 * 1024):0} MiB");
    await app.StopAsync();
    await app.DisposeAsync();
}

return unexpected.IsEmpty ? 0 : 1;
