using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Valar.Functions.Configuration;
using Valar.Functions.Uploads;
using Valar.Validation;
using Valar.Validation.Images;
using Valar.Validation.Models;

namespace Valar.Functions.Tests.Configuration;

/// <summary>The <c>Valar</c> section as an operator writes it (environment style keys), bound and turned into the core's limits.</summary>
public sealed class ValarOptionsTests
{
    [Fact]
    public void ToModelCatalog_NothingSet_StructureLevelDefaultBudgetNoPolicy()
    {
        var limits = Catalog(("Models:0:Id", "m"), ("Models:0:SupportsImages", "true")).Find("m")!.Limits;

        Assert.Equal(ImageIntegrity.Structure, limits.Integrity);
        Assert.Equal(ImageCheckOptions.DefaultMaxDecodePixels, limits.MaxDecodePixels);
        Assert.Same(ImagePolicy.None, limits.ImagePolicy);
    }

    [Fact]
    public void ToModelCatalog_DefaultsAndPerModelSettings_ModelOverridesTheDefaults()
    {
        var catalog = Catalog(
            ("Defaults:Integrity", "decode"),
            ("Defaults:MaxDecodePixels", "1000"),
            ("Models:0:Id", "inherits"),
            ("Models:1:Id", "overrides"),
            ("Models:1:Integrity", "Structure"),
            ("Models:1:MaxDecodePixels", "2000"),
            ("Models:1:ImagePolicy:MaxPixels", "3000"),
            ("Models:1:ImagePolicy:MaxSide", "8000"),
            ("Models:1:ImagePolicy:AllowAnimated", "false"),
            ("Models:1:ImagePolicy:MaxFrames", "4"));

        Assert.Equal((ImageIntegrity.Decode, 1000L, ImagePolicy.None), Facts(catalog.Find("inherits")!.Limits));
        Assert.Equal(
            (ImageIntegrity.Structure, 2000L, new ImagePolicy { MaxPixels = 3000, MaxSide = 8000, AllowAnimated = false, MaxFrames = 4 }),
            Facts(catalog.Find("overrides")!.Limits));
    }

    [Theory]
    [InlineData("Models:0:Integrity", "7", "Configuration Valar:Models:0:Integrity must be Structure or Decode, not '7'.")]
    [InlineData("Models:0:Integrity", "thorough", "Configuration Valar:Models:0:Integrity must be Structure or Decode, not 'thorough'.")]
    [InlineData("Defaults:Integrity", "", "Configuration Valar:Defaults:Integrity must be Structure or Decode, not ''.")]
    [InlineData("Models:0:MaxDecodePixels", "0", "Configuration Valar:Models:0:MaxDecodePixels must be positive, not 0.")]
    [InlineData("Models:0:ImagePolicy:MaxPixels", "-1", "Configuration Valar:Models:0:ImagePolicy:MaxPixels must be positive, not -1.")]
    [InlineData("Models:0:ImagePolicy:MaxSide", "0", "Configuration Valar:Models:0:ImagePolicy:MaxSide must be positive, not 0.")]
    [InlineData("Models:0:ImagePolicy:MaxFrames", "0", "Configuration Valar:Models:0:ImagePolicy:MaxFrames must be positive, not 0.")]
    public void ToModelCatalog_ValueThatCannotWork_FailsAtStartWithTheKey(string key, string value, string message)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Catalog(("Models:0:Id", "m"), (key, value)));

        Assert.Equal(message, exception.Message);
    }

    [Theory]
    [InlineData("Integrity", "full", "Configuration Valar:Uploads:Integrity must be Structure or Decode, not 'full'.")]
    [InlineData("MaxDecodePixels", "-5", "Configuration Valar:Uploads:MaxDecodePixels must be positive, not -5.")]
    public void AddUploads_CheckSettingThatCannotWork_FailsAtStartWithTheKey(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create<string, string?>("Valar:Uploads:" + key, value)])
            .Build();

        var exception = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddUploads(configuration));

        Assert.Equal(message, exception.Message);
    }

    private static (ImageIntegrity, long, ImagePolicy) Facts(ModelLimits limits) => (limits.Integrity, limits.MaxDecodePixels, limits.ImagePolicy);

    private static ModelCatalog Catalog(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create<string, string?>("Valar:" + setting.Key, setting.Value)))
            .Build();
        var options = configuration.GetSection(ValarOptions.SectionName).Get<ValarOptions>()!;
        return options.ToModelCatalog();
    }
}
