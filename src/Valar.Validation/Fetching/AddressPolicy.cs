using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Valar.Validation.Fetching;

/// <summary>
/// Decides whether an address may be connected to: public internet addresses, plus networks an operator allows.
/// Pure: no I/O.
/// </summary>
public sealed class AddressPolicy
{
    // IPv4 ranges that are not on the public internet (IANA special-purpose registry, RFC 6890 and successors).
    private static readonly IPNetwork[] NonPublicIPv4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network", incl. 0.0.0.0 unspecified
        IPNetwork.Parse("10.0.0.0/8"),         // private, RFC 1918
        IPNetwork.Parse("100.64.0.0/10"),      // carrier-grade NAT, RFC 6598 (incl. Alibaba metadata 100.100.100.200)
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, incl. cloud metadata 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"),      // private, RFC 1918
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments, incl. Oracle metadata 192.0.0.192
        IPNetwork.Parse("192.0.2.0/24"),       // documentation TEST-NET-1
        IPNetwork.Parse("192.88.99.0/24"),     // deprecated 6to4 relay anycast, RFC 7526
        IPNetwork.Parse("192.168.0.0/16"),     // private, RFC 1918
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking, RFC 2544
        IPNetwork.Parse("198.51.100.0/24"),    // documentation TEST-NET-2
        IPNetwork.Parse("203.0.113.0/24"),     // documentation TEST-NET-3
        IPNetwork.Parse("224.0.0.0/4"),        // multicast
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, incl. broadcast 255.255.255.255
        IPNetwork.Parse("168.63.129.16/32"),   // Azure wire server / platform DNS: publicly routed, answers only inside Azure
    ];

    // Only 2000::/3 is global unicast; everything outside it (::, ::1, fc00::/7, fe80::/10, fec0::/10, ff00::/8,
    // 100::/64, 64:ff9b:1::/48, 5f00::/16, ::ffff:0:0:0/96 ...) is refused once the IPv4 wrappers are decoded.
    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    private static readonly IPNetwork[] NonPublicGlobalIPv6 =
    [
        IPNetwork.Parse("2001::/23"),          // IETF protocol assignments (Teredo 2001::/32 is decoded before this)
        IPNetwork.Parse("2001:db8::/32"),      // documentation
        IPNetwork.Parse("3fff::/20"),          // documentation, RFC 9637
    ];

    private readonly IPNetwork[] _allowedNetworks;

    /// <summary>Creates a policy that also allows <paramref name="allowedNetworks"/>.</summary>
    public AddressPolicy(IEnumerable<IPNetwork> allowedNetworks)
    {
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        _allowedNetworks = [.. allowedNetworks];
    }

    /// <summary>True when <paramref name="address"/> is public, or inside one of the allowed networks.</summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IsPublic(address))
        {
            return true;
        }

        // A mapped address reaches the same IPv4 host, so it is allowed exactly when that host is.
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in _allowedNetworks)
        {
            if (network.Contains(normalized) || network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="address"/> is on the public internet. IPv6 forms that embed an IPv4 address
    /// (mapped, compatible, NAT64, 6to4, Teredo) are judged by the IPv4 addresses they carry.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicIPv4(address),
            AddressFamily.InterNetworkV6 => IsPublicIPv6(address),
            _ => false,
        };
    }

    private static bool IsPublicIPv4(IPAddress address)
    {
        foreach (var network in NonPublicIPv4)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPublicIPv6(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out _))
        {
            return false;
        }

        // IPv4-mapped ::ffff:a.b.c.d, and the deprecated IPv4-compatible ::a.b.c.d (which covers :: and ::1,
        // decoding to 0.0.0.0 and 0.0.0.1, both refused).
        if (bytes[..10].IndexOfAnyExcept((byte)0) < 0 &&
            ((bytes[10] == 0xff && bytes[11] == 0xff) || (bytes[10] == 0 && bytes[11] == 0)))
        {
            return IsPublicIPv4(new IPAddress(bytes[12..]));
        }

        // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): the IPv4 host is the last 32 bits.
        if (BinaryPrimitives.ReadUInt32BigEndian(bytes) == 0x0064ff9b && bytes[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublicIPv4(new IPAddress(bytes[12..]));
        }

        // 6to4 2002::/16 (RFC 3056): the IPv4 gateway is bits 16..47.
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return IsPublicIPv4(new IPAddress(bytes[2..6]));
        }

        // Teredo 2001::/32 (RFC 4380): server IPv4 in bits 32..63, client IPv4 inverted in the last 32 bits.
        if (BinaryPrimitives.ReadUInt32BigEndian(bytes) == 0x20010000)
        {
            Span<byte> client = stackalloc byte[4];
            for (var i = 0; i < 4; i++)
            {
                client[i] = (byte)~bytes[12 + i];
            }

            return IsPublicIPv4(new IPAddress(bytes[4..8])) && IsPublicIPv4(new IPAddress(client));
        }

        if (!GlobalUnicast.Contains(address))
        {
            return false;
        }

        foreach (var network in NonPublicGlobalIPv6)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        return true;
    }
}
