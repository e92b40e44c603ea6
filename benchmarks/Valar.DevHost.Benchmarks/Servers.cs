using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Valar.DevHost.Benchmarks;

/// <summary>The baselines, each run as its own process (this executable with a mode flag, or python3).</summary>
public static class Servers
{
    public const string SinkFlag = "--serve-sink";
    public const string ProxyFlag = "--serve-proxy";

    /// <summary>A bare Kestrel endpoint on 127.0.0.1 that reads and discards the body and answers with its length.</summary>
    public static async Task RunSinkAsync()
    {
        var app = NewApp();
        app.Run(async context =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer.AsMemory(0, 81920), context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            ArrayPool<byte>.Shared.Return(buffer);
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(total.ToString(CultureInfo.InvariantCulture), context.RequestAborted).ConfigureAwait(false);
        });
        await RunAsync(app).ConfigureAwait(false);
    }

    /// <summary>A bare YARP <see cref="IHttpForwarder"/> on 127.0.0.1 in front of <paramref name="destination"/>: the platform's limit.</summary>
    public static async Task RunProxyAsync(string destination)
    {
        var builder = NewBuilder();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        using var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(10) };
        app.Run(async context => await forwarder.SendAsync(context, destination, client, config, HttpTransformer.Default).ConfigureAwait(false));
        await RunAsync(app).ConfigureAwait(false);
    }

    /// <summary>
    /// Python's stdlib <c>http.server</c> as one writes it first: HTTP/1.0 (a connection per request, said out loud
    /// with <c>Connection: close</c> so that HttpClient does not reuse it), the whole body in one
    /// <c>rfile.read(length)</c>, then dropped.
    /// </summary>
    public const string NaivePythonSink = """
import http.server
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = str(len(body)).encode()
        self.send_response(200)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Sink)
print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
""";

    /// <summary>
    /// The naive way to write the validating endpoint in Python's stdlib: HTTP/1.0 as above, <c>json.loads</c> of the
    /// whole body, then per image part the data URI split, <c>base64.b64decode(validate=True)</c> of the payload, the
    /// decoded size against 20 MiB and the magic bytes of JPEG, PNG, GIF or WebP; 200 with the image count, else 400.
    /// </summary>
    public const string NaivePythonValidator = """
import base64, http.server, json
MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
class Validator(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        status, count = 200, 0
        try:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            for message in request["messages"]:
                for part in message["content"] if isinstance(message["content"], list) else []:
                    if part.get("type") != "image_url":
                        continue
                    header, _, payload = part["image_url"]["url"].partition(",")
                    image = base64.b64decode(payload, validate=True)
                    webp = image[:4] == b"RIFF" and image[8:12] == b"WEBP"
                    if not header.endswith(";base64") or len(image) > 20971520 or not (webp or image.startswith(MAGIC)):
                        status = 400
                    count += 1
        except (ValueError, KeyError, TypeError):
            status = 400
        answer = json.dumps({"images": count}).encode()
        self.send_response(status)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Validator)
print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
""";

    /// <summary>Python's stdlib <c>http.server</c>, single-threaded, keep-alive, reading the body in 64 KiB reads and discarding it.</summary>
    public const string PythonSink = """
import http.server
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        left = int(self.headers.get("Content-Length", "0"))
        total = 0
        while left > 0:
            chunk = self.rfile.read(min(65536, left))
            if not chunk:
                break
            left -= len(chunk)
            total += len(chunk)
        body = str(total).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Sink)
print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
""";

    private static WebApplicationBuilder NewBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        return builder;
    }

    private static WebApplication NewApp() => NewBuilder().Build();

    private static async Task RunAsync(WebApplication app)
    {
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.First();
        Console.WriteLine("listening on " + address);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
    }
}
