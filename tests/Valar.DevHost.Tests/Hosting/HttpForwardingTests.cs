using System.Net;
using System.Text;

namespace Valar.DevHost.Tests.Hosting;

[Collection(DevHostCollection.Name)]
public sealed class HttpForwardingTests(DevHostFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public void Start_TestWorker_PrintsOneReadyLineWithEveryFunction()
    {
        Assert.Equal($"Valar.DevHost: 10 functions loaded; listening on {fixture.Host.BaseAddress.ToString().TrimEnd('/')}", fixture.Host.ReadyLine);
        Assert.Single(fixture.Host.Output.Split('\n'), line => line.StartsWith("Valar.DevHost: ", StringComparison.Ordinal));
        Assert.Equal(IPAddress.Loopback.ToString(), fixture.Host.BaseAddress.Host);
        Assert.NotEqual(7071, fixture.Host.BaseAddress.Port);
    }

    [Fact]
    public void Start_TestWorker_MapsRoutesUnderTheHostJsonPrefix()
    {
        Assert.Contains("Mapped function GetItem: get /test/items/{id}", fixture.Host.Output, StringComparison.Ordinal);
        Assert.Contains("Mapped function Ping: get /test/Ping", fixture.Host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RouteWithParameter_FunctionGetsRouteValue()
    {
        using var response = await Client.GetAsync(new Uri("test/items/42?x=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("item 42", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_FunctionWithoutRoute_ServedAtItsName()
    {
        using var response = await Client.GetAsync(new Uri("test/Ping", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("pong", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("GET", "test/nope")]
    [InlineData("GET", "test")]
    [InlineData("GET", "")]
    [InlineData("GET", "api/Ping")]
    [InlineData("GET", "Ping")]
    [InlineData("GET", "test/items/1/extra")]
    [InlineData("GET", "test/echo")]
    [InlineData("DELETE", "test/items/1")]
    public async Task Send_UnknownRouteOrMethod_Returns404(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_LocalSettingsValue_ReachesTheWorkerEnvironment()
    {
        using var response = await Client.GetAsync(new Uri("test/settings/" + DevHostFixture.SettingName, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DevHostFixture.SettingValue, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_FunctionThrows_WorkerEndsTheResponseEmptyAndTheHostLogsTheFailedInvocation()
    {
        using var response = await Client.GetAsync(new Uri("test/throw", UriKind.Relative));

        // The worker's ASP.NET Core integration completes the HTTP side as it stands (nothing written: an empty 200)
        // and reports the exception only in the InvocationResponse, which the host logs (docs/local-host.md).
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        // The worker prints the exception itself, so its text can reach the output before the host's own line does.
        await fixture.Host.WaitForOutputAsync("Function Throw (invocation ");
        Assert.Matches(@"Function Throw \(invocation [0-9a-f-]{36}\) failed: .*thrown on purpose by the test worker", fixture.Host.Output);
    }

    [Fact]
    public async Task Post_Echo_StreamsTheBodyBack()
    {
        using var content = new StringContent("hello through the host", Encoding.UTF8, "text/plain");
        using var response = await Client.PostAsync(new Uri("test/echo", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello through the host", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_SlowStream_EveryChunkArrivesInOrder()
    {
        using var response = await Client.GetAsync(new Uri("test/slow-stream?chunks=5&delayMs=50", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Send_TwentyConcurrentInvocations_EachGetsItsOwnAnswer()
    {
        var calls = Enumerable.Range(0, 20).Select(async i =>
        {
            if (i % 2 == 0)
            {
                using var response = await Client.GetAsync(new Uri($"test/items/{i}", UriKind.Relative));
                return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), $"item {i}");
            }

            var body = new string((char)('a' + i), 1000 + i);
            using var content = new StringContent(body, Encoding.UTF8, "text/plain");
            using var echoed = await Client.PostAsync(new Uri("test/echo", UriKind.Relative), content);
            return ((int)echoed.StatusCode, await echoed.Content.ReadAsStringAsync(), body);
        });

        var results = await Task.WhenAll(calls);

        Assert.All(results, result =>
        {
            Assert.Equal(200, result.Item1);
            Assert.Equal(result.Item3, result.Item2);
        });
    }
}
