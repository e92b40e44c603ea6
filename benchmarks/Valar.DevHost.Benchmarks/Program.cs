using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Valar.DevHost.Benchmarks;

// dotnet run -c Release --project benchmarks/Valar.DevHost.Benchmarks [-- --quick]   (docs/local-host.md)
if (args.Length > 0 && args[0] == Servers.SinkFlag)
{
    await Servers.RunSinkAsync().ConfigureAwait(false);
    return 0;
}

if (args.Length > 1 && args[0] == Servers.ProxyFlag)
{
    await Servers.RunProxyAsync(args[1]).ConfigureAwait(false);
    return 0;
}

var quick = args.Contains("--quick");
var trials = quick ? 3 : 5;
var requestsPerLoop = quick ? 8 : 20;
var coldStarts = 5;
var culture = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(culture, $"Valar.DevHost.Benchmarks{(quick ? " --quick" : "")}: {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, load average {File.ReadAllText("/proc/loadavg").Trim()}"));

// 20 x 1 MiB images as base64: 20 x 1,398,104 bytes, about 28 MB (the body of workload (a) in docs/performance.md).
const int Base64OfOneMebibyte = 1_398_104;
var body = new byte[20 * Base64OfOneMebibyte];
Random.Shared.NextBytes(body);
var throughput = new Throughput(body);
Console.WriteLine(string.Create(culture, $"body: {body.Length:N0} bytes; {trials} trials of {requestsPerLoop} requests per loop, median"));

var self = typeof(Servers).Assembly.Location;
var devHost = Metadata("DevHostAssembly");
var testWorker = Metadata("TestWorkerDirectory");
var listening = new Regex(@"listening on (http://127\.0\.0\.1:\d+)", RegexOptions.CultureInvariant);

var rows = new List<(string Name, int Concurrency, double BytesPerSecond)>();
await using (var sink = await ChildProcess.StartAsync("dotnet", [self, Servers.SinkFlag], listening).ConfigureAwait(false))
await using (var proxy = await ChildProcess.StartAsync("dotnet", [self, Servers.ProxyFlag, sink.BaseAddress.ToString()], listening).ConfigureAwait(false))
await using (var host = await ChildProcess.StartAsync("dotnet", [devHost, "--port", "0", "--app", testWorker], listening).ConfigureAwait(false))
await using (var python = await ChildProcess.StartAsync("python3", ["-c", Servers.PythonSink], listening).ConfigureAwait(false))
await using (var naivePython = await ChildProcess.StartAsync("python3", ["-c", Servers.NaivePythonSink], listening).ConfigureAwait(false))
{
    var targets = new (string Name, Uri Url, int[] Concurrency)[]
    {
        ("Valar.DevHost -> test worker count-bytes", new Uri(host.BaseAddress, "test/count-bytes"), [1, 4]),
        ("bare YARP IHttpForwarder -> bare Kestrel sink (the limit)", new Uri(proxy.BaseAddress, "sink"), [1, 4]),
        ("bare Kestrel sink, no proxy", new Uri(sink.BaseAddress, "sink"), [1, 4]),
        ("naive Python http.server sink (HTTP/1.0, whole body in one read)", new Uri(naivePython.BaseAddress, "sink"), [1]),
        ("Python http.server sink (keep-alive, 64 KiB reads)", new Uri(python.BaseAddress, "sink"), [1]),
    };
    foreach (var target in targets)
    {
        Console.WriteLine($"{target.Name}: {target.Url}");
    }

    foreach (var concurrency in new[] { 1, 4 })
    {
        // Interleaved: every target once per trial, so a neighbour's load slows them alike.
        var samples = targets.Where(t => t.Concurrency.Contains(concurrency)).ToDictionary(t => t.Name, _ => new List<double>());
        for (var trial = 0; trial < trials; trial++)
        {
            foreach (var target in targets.Where(t => t.Concurrency.Contains(concurrency)))
            {
                samples[target.Name].Add(await throughput.MeasureAsync(target.Url, concurrency, requestsPerLoop / concurrency).ConfigureAwait(false));
            }
        }

        rows.AddRange(samples.Select(s => (s.Key, concurrency, Median(s.Value))));
    }
}

// The validating app through the local host, on a real request: a Chat Completions body with 20 PNG images of 1 MiB as
// data URIs (about 28 MB, workload (a)), against the same body through bare YARP into the Kestrel sink (the limit) and
// a naive Python stdlib server that validates it (json.loads, b64decode, size and magic bytes).
var appDirectory = Metadata("AppDirectory");
var image = Valar.Testing.Images.TestImages.DataUri("image/png", Valar.Testing.Images.TestImages.Png(64, 64, padToBytes: 1024 * 1024));
var parts = string.Join(",", Enumerable.Repeat("{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + image + "\"}}", 20));
var request = System.Text.Encoding.UTF8.GetBytes("{\"model\":\"moonshotai/Kimi-K2.6\",\"messages\":[{\"role\":\"user\",\"content\":[" + parts + "]}]}");
var validating = new Throughput(request, expectCount: false);
var counting = new Throughput(request);
Console.WriteLine(string.Create(culture, $"validating: a Chat Completions body of {request.Length:N0} bytes with 20 PNG data URIs of 1 MiB each"));
var validationRows = new List<(string Name, double BytesPerSecond)>();
await using (var sink = await ChildProcess.StartAsync("dotnet", [self, Servers.SinkFlag], listening).ConfigureAwait(false))
await using (var proxy = await ChildProcess.StartAsync("dotnet", [self, Servers.ProxyFlag, sink.BaseAddress.ToString()], listening).ConfigureAwait(false))
await using (var app = await ChildProcess.StartAsync("dotnet", [devHost, "--port", "0", "--app", appDirectory], listening).ConfigureAwait(false))
await using (var naiveValidator = await ChildProcess.StartAsync("python3", ["-c", Servers.NaivePythonValidator], listening).ConfigureAwait(false))
{
    var targets = new (string Name, Uri Url, Throughput Client)[]
    {
        ("Valar.DevHost -> Valar.Functions /v1/chat/completions (validates)", new Uri(app.BaseAddress, "v1/chat/completions"), validating),
        ("bare YARP IHttpForwarder -> bare Kestrel sink (the limit)", new Uri(proxy.BaseAddress, "sink"), counting),
        ("naive Python http.server validator (json.loads, b64decode)", new Uri(naiveValidator.BaseAddress, "v1/chat/completions"), validating),
    };
    var samples = targets.ToDictionary(t => t.Name, _ => new List<double>());
    for (var trial = 0; trial < trials; trial++)
    {
        foreach (var target in targets)
        {
            samples[target.Name].Add(await target.Client.MeasureAsync(target.Url, 1, requestsPerLoop).ConfigureAwait(false));
        }
    }

    validationRows.AddRange(targets.Select(t => (t.Name, Median(samples[t.Name]))));
}

// Cold start: a fresh host each time; from the worker's launch (the host's log line) and from the host's own start, to the first 200.
var fromWorkerLaunch = new List<double>();
var fromHostStart = new List<double>();
for (var run = 0; run < coldStarts; run++)
{
    var workerStarted = new Regex(@"Started worker process", RegexOptions.CultureInvariant);
    var url = new Regex(@"listening on (http://127\.0\.0\.1:\d+)", RegexOptions.CultureInvariant);
    await using var host = await ChildProcess.StartAsync("dotnet", [devHost, "--port", "0", "--app", testWorker], url, waitForReady: false).ConfigureAwait(false);
    var (workerLaunch, first200) = await ColdStart.MeasureAsync(host, workerStarted).ConfigureAwait(false);
    fromWorkerLaunch.Add(Stopwatch.GetElapsedTime(workerLaunch, first200).TotalMilliseconds);
    fromHostStart.Add(Stopwatch.GetElapsedTime(host.StartedAt, first200).TotalMilliseconds);
}

double Limit(int concurrency) => rows.Single(r => r.Concurrency == concurrency && r.Name.StartsWith("bare YARP", StringComparison.Ordinal)).BytesPerSecond;
var pythonRate = rows.Single(r => r.Name.StartsWith("naive Python", StringComparison.Ordinal)).BytesPerSecond;
Console.WriteLine();
Console.WriteLine("| target | concurrent clients | MB/s (10^6 B/s of request body) | vs bare YARP | vs naive Python |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var (name, concurrency, rate) in rows)
{
    Console.WriteLine(string.Create(culture, $"| {name} | {concurrency} | {rate / 1e6:F0} | {rate / Limit(concurrency):F2}x | {rate / pythonRate:F1}x |"));
}

Console.WriteLine();
var validationLimit = validationRows.Single(r => r.Name.StartsWith("bare YARP", StringComparison.Ordinal)).BytesPerSecond;
var pythonValidator = validationRows.Single(r => r.Name.StartsWith("naive Python", StringComparison.Ordinal)).BytesPerSecond;
Console.WriteLine("| the validating request, 1 client | MB/s of request body | vs bare YARP | vs naive Python validator |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var (name, rate) in validationRows)
{
    Console.WriteLine(string.Create(culture, $"| {name} | {rate / 1e6:F0} | {rate / validationLimit:F2}x | {rate / pythonValidator:F1}x |"));
}

Console.WriteLine();
Console.WriteLine(string.Create(culture, $"| cold start ({coldStarts} runs) | median | min | max |"));
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine(string.Create(culture, $"| worker launch -> first 200 | {Median(fromWorkerLaunch):F0} ms | {fromWorkerLaunch.Min():F0} ms | {fromWorkerLaunch.Max():F0} ms |"));
Console.WriteLine(string.Create(culture, $"| host process start -> first 200 | {Median(fromHostStart):F0} ms | {fromHostStart.Min():F0} ms | {fromHostStart.Max():F0} ms |"));
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Metadata(string key) =>
    Path.GetFullPath(typeof(Servers).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);
