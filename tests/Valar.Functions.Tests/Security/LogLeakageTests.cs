using Valar.Functions.Tests.Hosting;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Security;

/// <summary>
/// Logs never carry what a client sent: no URL (and so no SAS signature or query token), no data URI, no base64, no
/// message text quoting them. The real worker logs at Trace behind the local host, which prints every log line the
/// worker sends it (RpcLog) and the worker's own output; all of it is checked after hostile requests went through.
/// </summary>
public sealed class LogLeakageTests
{
    private const string Secret = "sv=2025-01-05&sig=TOPSECRETSIGNATURE0123456789";

    [Fact]
    public async Task Post_RequestsCarryingSecrets_NoLogLineContainsThem()
    {
        string[] lines;
        var host = await FunctionsHost.StartAsync(new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Valar__Fetch__UseDns"] = "false",
            ["Valar__Fetch__Hosts__storage.test__0"] = "10.9.9.9",
        });
        await using (host)
        {
            using var http = host.CreateClient();
            var png = Convert.ToBase64String(TestImages.Png(9, 9));
            string[] urls =
            [
                $"https://storage.test/uploads/cat.png?{Secret}",
                $"http://169.254.169.254/latest/meta-data/?{Secret}",
                $"data:image/png;base64,{png}",
                $"data:image/gif;base64,{png}",
                $"ftp://user:{Secret}@example.invalid/x.png",
            ];
            foreach (var surface in Surface.All)
            {
                foreach (var url in urls)
                {
                    using var content = new ByteArrayContent(surface.Body("moonshotai/Kimi-K2.6", url));
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(surface.Path, content);
                    Assert.True((int)response.StatusCode is 200 or 400, $"{surface} {url}: {(int)response.StatusCode}");
                }
            }

            // The worker's logs reach the host over gRPC (RpcLog) and the host prints them: wait for the last refusal.
            for (var i = 0; i < 50 && host.Output.Count(line => line.Contains("Refused", StringComparison.Ordinal)) < 9; i++)
            {
                await Task.Delay(100);
            }

            lines = [.. host.Output];
        }

        Assert.Contains(lines, line => line.Contains("Refused", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("TOPSECRET", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("sig=", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("base64,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("iVBORw0KGgo", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("storage.test", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("169.254.169.254", StringComparison.Ordinal));
    }
}
