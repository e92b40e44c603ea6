using Valar.Testing.Azurite;

namespace Valar.Storage.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

[CollectionDefinition(Name)]
public sealed class AzuriteOAuthCollection : ICollectionFixture<AzuriteOAuthFixture>
{
    public const string Name = "Azurite OAuth";
}
