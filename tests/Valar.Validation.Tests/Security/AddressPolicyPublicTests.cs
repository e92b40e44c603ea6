using System.Net;
using Valar.Validation.Fetching;

namespace Valar.Validation.Tests.Security;

/// <summary>
/// The other half of the SSRF corpus: public addresses are not blocked. Decided by the policy as a pure function, so no
/// test ever connects to them. Includes near-misses just outside each refused range.
/// </summary>
public sealed class AddressPolicyPublicTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]      // just below 10/8
    [InlineData("11.0.0.0")]           // just above 10/8
    [InlineData("172.15.255.255")]     // just below 172.16/12
    [InlineData("172.32.0.0")]         // just above 172.16/12
    [InlineData("192.167.255.255")]    // just below 192.168/16
    [InlineData("192.169.0.0")]        // just above 192.168/16
    [InlineData("100.63.255.255")]     // just below CGNAT
    [InlineData("100.128.0.0")]        // just above CGNAT
    [InlineData("169.253.255.255")]    // just below link-local
    [InlineData("169.255.0.0")]        // just above link-local
    [InlineData("168.63.129.15")]      // next to the Azure wire server
    [InlineData("168.63.129.17")]
    [InlineData("126.255.255.255")]    // just below loopback
    [InlineData("128.0.0.0")]          // just above loopback
    [InlineData("223.255.255.255")]    // just below multicast
    [InlineData("198.17.255.255")]     // just below benchmarking
    [InlineData("198.20.0.0")]         // just above benchmarking
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("::ffff:8.8.8.8")]     // mapped public
    [InlineData("64:ff9b::808:808")]   // NAT64 of 8.8.8.8
    [InlineData("2002:808:808::1")]    // 6to4 of 8.8.8.8
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7")] // Teredo: server 65.54.227.120, client 8.8.8.8
    public void IsAllowed_PublicAddressWithNoAllowedNetworks_IsNotBlocked(string address)
    {
        var policy = new AddressPolicy([]);

        Assert.True(policy.IsAllowed(IPAddress.Parse(address)));
        Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1/32", true)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1/32", true)]
    [InlineData("127.0.0.2", "127.0.0.1/32", false)]
    [InlineData("::1", "127.0.0.1/32", false)]
    [InlineData("10.0.0.1", "127.0.0.1/32", false)]
    [InlineData("169.254.169.254", "127.0.0.0/8", false)]
    public void IsAllowed_OnlyTheExactAllowedNetwork_IsOpened(string address, string network, bool expected) =>
        Assert.Equal(expected, new AddressPolicy([IPNetwork.Parse(network)]).IsAllowed(IPAddress.Parse(address)));
}
