using System.Net;
using Valar.Validation.Fetching;

namespace Valar.Validation.Tests.Fetching;

internal static class FetchTestData
{
    public static readonly IPNetwork Loopback = IPNetwork.Parse("127.0.0.1/32");

    public static FetchOptions LoopbackOptions(double timeoutSeconds = 10, int maxRedirects = 5) => new()
    {
        AllowedNetworks = [Loopback],
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        MaxRedirects = maxRedirects,
    };

    /// <summary>A unique path per call, so tests sharing a server never see each other's requests.</summary>
    public static string UniquePath(string name) => $"/{name}-{Guid.NewGuid():N}";

    public static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31 + 7);
        }

        return bytes;
    }
}
