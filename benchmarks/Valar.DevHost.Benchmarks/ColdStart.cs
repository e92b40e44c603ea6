using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Valar.DevHost.Benchmarks;

/// <summary>Polls a starting host every 5 ms until <c>GET /test/Ping</c> answers 200 (bounded at 60 s).</summary>
public static class ColdStart
{
    public static async Task<(long WorkerLaunch, long First200)> MeasureAsync(ChildProcess host, Regex workerStarted)
    {
        var url = await host.Ready.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await client.GetAsync(new Uri(url, "test/Ping")).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var first200 = Stopwatch.GetTimestamp();
                    return (WorkerLaunchTimestamp(host, workerStarted), first200);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(5).ConfigureAwait(false);
        }

        throw new TimeoutException("no 200 within 60 s");
    }

    private static long WorkerLaunchTimestamp(ChildProcess host, Regex workerStarted) =>
        host.FirstSeen(workerStarted) ?? throw new InvalidOperationException("the host never said it started a worker");
}
