using System.Net;
using Valar.Validation.Fetching;

namespace Valar.Validation.Tests.Fetching;

/// <summary>
/// Which addresses a fetch may reach, decided as a pure function of the address: no test connects to the public
/// addresses here. Includes near-misses just outside each refused range.
/// </summary>
public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("8.8.8.8", "public IPv4")]
    [InlineData("1.1.1.1", "public IPv4")]
    [InlineData("1.0.0.0", "public IPv4, lowest after 0/8")]
    [InlineData("9.255.255.255", "just below 10/8")]
    [InlineData("11.0.0.0", "just above 10/8")]
    [InlineData("93.184.216.34", "public IPv4")]
    [InlineData("100.63.255.255", "just below CGNAT")]
    [InlineData("100.128.0.0", "just above CGNAT")]
    [InlineData("126.255.255.255", "just below loopback")]
    [InlineData("128.0.0.0", "just above loopback")]
    [InlineData("168.63.129.15", "next to the Azure wire server")]
    [InlineData("168.63.129.17", "next to the Azure wire server")]
    [InlineData("169.253.255.255", "just below link-local")]
    [InlineData("169.255.0.0", "just above link-local")]
    [InlineData("172.15.255.255", "just below 172.16/12")]
    [InlineData("172.32.0.0", "just above 172.16/12")]
    [InlineData("192.0.1.255", "between 192.0.0/24 and TEST-NET-1")]
    [InlineData("192.88.100.0", "just above the 6to4 relay anycast")]
    [InlineData("192.167.255.255", "just below 192.168/16")]
    [InlineData("192.169.0.0", "just above 192.168/16")]
    [InlineData("198.17.255.255", "just below benchmarking")]
    [InlineData("198.20.0.0", "just above benchmarking")]
    [InlineData("203.0.112.255", "just below TEST-NET-3")]
    [InlineData("223.255.255.255", "just below multicast")]
    [InlineData("20.42.0.1", "Azure public IPv4")]
    [InlineData("2606:4700:4700::1111", "public IPv6")]
    [InlineData("2001:4860:4860::8888", "public IPv6")]
    [InlineData("2a00:1450:4001::1", "public IPv6")]
    [InlineData("2a00:1450:4001:80b::200e", "public IPv6")]
    [InlineData("2001:200::1", "public IPv6 just above 2001::/23")]
    [InlineData("3ffe::1", "global unicast below 3fff::/20")]
    [InlineData("::ffff:8.8.8.8", "IPv4-mapped public")]
    [InlineData("::8.8.8.8", "IPv4-compatible public")]
    [InlineData("64:ff9b::808:808", "NAT64 of public 8.8.8.8")]
    [InlineData("2002:808:808::1", "6to4 of public 8.8.8.8")]
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "Teredo, server 65.54.227.120, client 8.8.8.8")]
    public void IsPublic_PublicAddress_ReturnsTrueAndIsAllowedWithoutAllowedNetworks(string address, string kind)
    {
        Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address)), $"{address} ({kind}) should be public");
        Assert.True(new AddressPolicy([]).IsAllowed(IPAddress.Parse(address)), $"{address} ({kind}) should be allowed");
    }

    [Theory]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "this network 0/8")]
    [InlineData("10.0.0.1", "private 10/8")]
    [InlineData("10.255.255.255", "private 10/8")]
    [InlineData("100.64.0.1", "CGNAT")]
    [InlineData("100.100.100.200", "CGNAT, Alibaba metadata")]
    [InlineData("100.127.255.255", "CGNAT")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback 127/8")]
    [InlineData("169.254.169.254", "link-local, cloud metadata")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("172.16.0.1", "private 172.16/12")]
    [InlineData("172.31.255.255", "private 172.16/12")]
    [InlineData("192.0.0.1", "IETF protocol assignments")]
    [InlineData("192.0.0.192", "IETF protocol assignments, Oracle metadata")]
    [InlineData("192.0.2.1", "documentation TEST-NET-1")]
    [InlineData("192.88.99.1", "6to4 relay anycast")]
    [InlineData("192.168.0.1", "private 192.168/16")]
    [InlineData("192.168.255.255", "private 192.168/16")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.255", "benchmarking")]
    [InlineData("198.51.100.1", "documentation TEST-NET-2")]
    [InlineData("203.0.113.1", "documentation TEST-NET-3")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast SSDP")]
    [InlineData("240.0.0.1", "reserved 240/4")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("168.63.129.16", "Azure wire server")]
    [InlineData("::", "IPv6 unspecified")]
    [InlineData("::1", "IPv6 loopback")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped loopback")]
    [InlineData("::ffff:10.0.0.1", "IPv4-mapped private")]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped metadata")]
    [InlineData("::ffff:0.0.0.0", "IPv4-mapped unspecified")]
    [InlineData("::127.0.0.1", "IPv4-compatible loopback")]
    [InlineData("::10.0.0.1", "IPv4-compatible private")]
    [InlineData("::ffff:0:a00:1", "IPv4-translated (SIIT)")]
    [InlineData("64:ff9b::7f00:1", "NAT64 of loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254")]
    [InlineData("64:ff9b::c0a8:101", "NAT64 of 192.168.1.1")]
    [InlineData("64:ff9b:1::808:808", "local-use NAT64 64:ff9b:1::/48")]
    [InlineData("2002:7f00:1::1", "6to4 of loopback")]
    [InlineData("2002:a00:1::1", "6to4 of 10.0.0.1")]
    [InlineData("2002:a9fe:a9fe::1", "6to4 of 169.254.169.254")]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo, client 127.0.0.1")]
    [InlineData("2001:0:a00:1:8000:63bf:f7f7:f7f7", "Teredo, server 10.0.0.1")]
    [InlineData("2001:2::1", "IPv6 benchmarking")]
    [InlineData("2001:10::1", "ORCHID")]
    [InlineData("2001:db8::1", "IPv6 documentation")]
    [InlineData("3fff::1", "IPv6 documentation 3fff::/20")]
    [InlineData("100::1", "discard-only")]
    [InlineData("fc00::1", "unique local")]
    [InlineData("fd00::1", "unique local")]
    [InlineData("fd00:ec2::254", "unique local, AWS metadata")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fe80::1%1", "link-local with scope")]
    [InlineData("febf::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("feff::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("ff05::1:3", "multicast")]
    [InlineData("5f00::1", "SRv6 SIDs")]
    [InlineData("4000::1", "outside global unicast")]
    public void IsPublic_SpecialAddress_ReturnsFalse(string address, string kind) =>
        Assert.False(AddressPolicy.IsPublic(IPAddress.Parse(address)), $"{address} ({kind}) should not be public");

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1/32", true)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1/32", true)]
    [InlineData("127.0.0.2", "127.0.0.1/32", false)]
    [InlineData("64:ff9b::7f00:1", "127.0.0.1/32", false)]
    [InlineData("10.1.2.3", "10.0.0.0/8", true)]
    [InlineData("10.1.2.3", "127.0.0.1/32", false)]
    [InlineData("10.0.0.1", "127.0.0.1/32", false)]
    [InlineData("::1", "::1/128", true)]
    [InlineData("::1", "127.0.0.1/32", false)]
    [InlineData("8.8.8.8", "127.0.0.1/32", true)]
    [InlineData("169.254.169.254", "127.0.0.0/8", false)]
    public void IsAllowed_WithAllowedNetwork_MatchesPublicOrNetwork(string address, string network, bool expected)
    {
        var policy = new AddressPolicy([IPNetwork.Parse(network)]);

        Assert.Equal(expected, policy.IsAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    public void IsAllowed_NoAllowedNetworks_AllowsOnlyPublic(string address, bool expected) =>
        Assert.Equal(expected, new AddressPolicy([]).IsAllowed(IPAddress.Parse(address)));
}
