using System.Text.Json;

namespace Valar.Functions.Tests.Security;

/// <summary>
/// The SSRF corpus's classes through HTTP on every surface (the full table is request-level, in
/// Valar.Validation.Tests/Security/SsrfCorpusTests): the app that allows nothing answers 400 with the exact
/// message in the surface's envelope, naming the offending address.
/// </summary>
[Collection(HostileServersCollection.Name)]
public sealed class SsrfHttpTests(HostileServersFixture fixture)
{
    public static TheoryData<Surface, string, string> Rows()
    {
        var rows = new TheoryData<Surface, string, string>();
        (string Url, string Message)[] table =
        [
            ("http://127.0.0.1/", "blocked: 127.0.0.1 is not a public address"),
            ("http://2130706433/", "blocked: 127.0.0.1 is not a public address"),
            ("http://[::ffff:7f00:1]/", "blocked: ::ffff:127.0.0.1 is not a public address"),
            ("http://localhost/", "blocked: localhost resolves to 127.0.0.1, which is not a public address"),
            ("http://0.0.0.0/", "blocked: 0.0.0.0 is not a public address"),
            ("http://192.168.1.1/", "blocked: 192.168.1.1 is not a public address"),
            ("http://169.254.169.254/latest/meta-data/", "blocked: 169.254.169.254 is not a public address"),
            ("http://[fd00:ec2::254]/", "blocked: fd00:ec2::254 is not a public address"),
            ("http://100.100.100.200/", "blocked: 100.100.100.200 is not a public address"),
            ("http://168.63.129.16/", "blocked: 168.63.129.16 is not a public address"),
            ("http://[64:ff9b::a9fe:a9fe]/", "blocked: 64:ff9b::a9fe:a9fe is not a public address"),
            ("http://public@10.0.0.1/", "blocked: 10.0.0.1 is not a public address"),
            ("http://internal.test/cat.png", "blocked: internal.test resolves to 10.0.0.7, which is not a public address"),
            ("http://mixed.test/cat.png", "blocked: mixed.test resolves to 192.168.1.1, which is not a public address"),
            ("https://metadata.invalid/", "blocked: metadata.invalid resolves to 169.254.169.254, which is not a public address"),
        ];
        foreach (var surface in Surface.All)
        {
            foreach (var (url, message) in table)
            {
                rows.Add(surface, url, message);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Post_PrivateImageUrl_Is400WithExactMessageInTheSurfaceEnvelope(Surface surface, string url, string message)
    {
        var observed = await fixture.PostAsync(fixture.Closed, surface.Path, surface.Body(HostileServersFixture.VisionModel, url));

        Assert.Equal(400, observed.Status);
        Assert.Equal(message, observed.ErrorMessage);
        var root = JsonDocument.Parse(observed.Body).RootElement;
        if (surface == Surface.Messages)
        {
            Assert.Equal("error", root.GetProperty("type").GetString());
            Assert.Equal("invalid_request_error", root.GetProperty("error").GetProperty("type").GetString());
        }
        else
        {
            Assert.Equal("blocked", root.GetProperty("error").GetProperty("code").GetString());
            Assert.Equal(surface.UrlPath(0), root.GetProperty("error").GetProperty("param").GetString());
        }
    }
}
