using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Valar.Functions.Configuration;

namespace Valar.Functions.Tests.Configuration;

/// <summary>The <c>Valar:Fetch:Hosts</c> table and <c>UseDns</c>, bound from configuration as the worker binds them.</summary>
public sealed class ConfiguredHostResolverTests
{
    [Fact]
    public void From_NoTableAndDns_IsNullSoTheSystemResolverIsUsed()
    {
        Assert.Null(ConfiguredHostResolver.From(Bind([])));
    }

    [Fact]
    public async Task ResolveAsync_NameInTheTable_ReturnsItsAddressesInOrderWhateverTheCase()
    {
        var resolver = ConfiguredHostResolver.From(Bind(new()
        {
            ["Valar:Fetch:UseDns"] = "false",
            ["Valar:Fetch:Hosts:mixed.test:0"] = "8.8.8.8",
            ["Valar:Fetch:Hosts:mixed.test:1"] = " 192.168.1.1 ",
        }))!;

        var addresses = await resolver.ResolveAsync("MIXED.test");

        Assert.Equal([IPAddress.Parse("8.8.8.8"), IPAddress.Parse("192.168.1.1")], addresses);
    }

    [Fact]
    public async Task ResolveAsync_UnknownNameWithoutDns_FailsLikeNxdomain()
    {
        var resolver = ConfiguredHostResolver.From(Bind(new() { ["Valar:Fetch:UseDns"] = "false" }))!;

        var failure = await Assert.ThrowsAsync<SocketException>(() => resolver.ResolveAsync("example.com"));

        Assert.Equal(SocketError.HostNotFound, failure.SocketErrorCode);
    }

    [Fact]
    public void From_AddressThatIsNotAnIp_ThrowsNamingTheSetting()
    {
        var settings = Bind(new() { ["Valar:Fetch:Hosts:images.internal:0"] = "not-an-ip" });

        var failure = Assert.Throws<InvalidOperationException>(() => ConfiguredHostResolver.From(settings));

        Assert.Equal("Configuration Valar:Fetch:Hosts:images.internal has 'not-an-ip', which is not an IP address.", failure.Message);
    }

    private static FetchSettings Bind(Dictionary<string, string?> values) =>
        (new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(ValarOptions.SectionName).Get<ValarOptions>() ?? new ValarOptions()).Fetch;
}
