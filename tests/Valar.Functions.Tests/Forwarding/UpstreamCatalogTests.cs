using Microsoft.Extensions.Configuration;
using Valar.Functions.Configuration;
using Valar.Functions.Forwarding;

namespace Valar.Functions.Tests.Forwarding;

public sealed class UpstreamCatalogTests
{
    private static UpstreamCatalog Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(ValarOptions.SectionName).Get<ValarOptions>()!;
        return UpstreamCatalog.From(options, configuration);
    }

    [Fact]
    public void From_BearerCredential_ReadsTheNamedSettingAndKeepsItOutOfToString()
    {
        var catalog = Build(new()
        {
            ["Valar:Models:0:Id"] = "moonshotai/Kimi-K2.6",
            ["Valar:Models:0:Upstream:BaseUrl"] = "http://127.0.0.1:8000/base/",
            ["Valar:Models:0:Upstream:CredentialSetting"] = "VLLM_API_KEY",
            ["VLLM_API_KEY"] = "secret-1",
            ["Valar:Models:1:Id"] = "report-only",
        });

        var upstream = catalog.Find("moonshotai/Kimi-K2.6")!;
        Assert.Equal("Authorization", upstream.CredentialHeader);
        Assert.Equal("Bearer secret-1", upstream.Credential);
        Assert.Equal("upstream of moonshotai/Kimi-K2.6", upstream.ToString());
        Assert.Equal(new Uri("http://127.0.0.1:8000/base/v1/chat/completions?a=1"), upstream.Target("/v1/chat/completions", "?a=1"));
        Assert.Null(catalog.Find("report-only"));
        Assert.True(catalog.InlinesAny);
    }

    [Theory]
    [InlineData("Upstream:BaseUrl", "ftp://host/", "Configuration Valar:Models:0:Upstream:BaseUrl must be an absolute http(s) URL without query, fragment or user info.")]
    [InlineData("Upstream:CredentialSetting", "MISSING_KEY", "Configuration Valar:Models:0:Upstream:CredentialSetting names 'MISSING_KEY', which is not set.")]
    [InlineData("Upstream:CredentialHeader", "api-token", "Configuration Valar:Models:0:Upstream:CredentialHeader must be 'Authorization' or 'x-api-key', not 'api-token'.")]
    [InlineData("Upstream:ResponseTimeoutSeconds", "0", "Configuration Valar:Models:0:Upstream:ResponseTimeoutSeconds must be positive, not 0.")]
    public void From_BadSetting_FailsWithItsKey(string key, string value, string message)
    {
        Dictionary<string, string?> settings = new()
        {
            ["Valar:Models:0:Id"] = "m",
            ["Valar:Models:0:Upstream:BaseUrl"] = "http://127.0.0.1:8000",
            ["Valar:Models:0:Upstream:CredentialSetting"] = "KEY",
            ["KEY"] = "k",
        };
        settings["Valar:Models:0:" + key] = value;

        var exception = Assert.Throws<InvalidOperationException>(() => Build(settings));
        Assert.Equal(message, exception.Message);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("?code=abc", "")]
    [InlineData("?a=1&code=abc&b=%20x", "a=1&b=%20x")]
    [InlineData("?codex=1&CODE=2", "codex=1&CODE=2")]
    public void WithoutFunctionsKey_DropsOnlyCode(string? query, string expected) =>
        Assert.Equal(expected, UpstreamForwarder.WithoutFunctionsKey(query));
}
