using System.Globalization;
using System.Net;

namespace Valar.DevHost.Tests.Hosting;

[Collection(DevHostCollection.Name)]
public sealed class StreamingTests(DevHostFixture fixture)
{
    private const long FourHundredMegabytes = 400L * 1024 * 1024;
    private const long AllowedGrowth = 150L * 1024 * 1024;

    [Fact]
    public async Task Post_FourHundredMegabyteBody_ArrivesWholeAndHostMemoryStaysFlat()
    {
        using (var warmUp = await fixture.Client.PostAsync(new Uri("test/count-bytes", UriKind.Relative), new GeneratedContent(1024 * 1024)))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        var baseline = fixture.Host.ReadStatusBytes("VmRSS");

        using var content = new GeneratedContent(FourHundredMegabytes);
        using var response = await fixture.Client.PostAsync(new Uri("test/count-bytes", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FourHundredMegabytes.ToString(CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
        var peak = fixture.Host.ReadStatusBytes("VmHWM");
        Assert.True(peak - baseline < AllowedGrowth, $"host peak RSS {peak / 1048576} MiB, baseline {baseline / 1048576} MiB");
    }

    [Fact]
    public async Task Get_FourHundredMegabyteResponse_StreamsBackUnchangedAndHostMemoryStaysFlat()
    {
        var baseline = fixture.Host.ReadStatusBytes("VmRSS");

        using var response = await fixture.Client.GetAsync(
            new Uri("test/generate/" + FourHundredMegabytes.ToString(CultureInfo.InvariantCulture), UriKind.Relative),
            HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long position = 0;
        long mismatches = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != GeneratedContent.At(position + i))
                {
                    mismatches++;
                }
            }

            position += read;
        }

        Assert.Equal(FourHundredMegabytes, position);
        Assert.Equal(0, mismatches);
        var peak = fixture.Host.ReadStatusBytes("VmHWM");
        Assert.True(peak - baseline < AllowedGrowth, $"host peak RSS {peak / 1048576} MiB, baseline {baseline / 1048576} MiB");
    }
}
