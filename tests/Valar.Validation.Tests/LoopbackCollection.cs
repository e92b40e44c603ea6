using Valar.Testing.Servers;

namespace Valar.Validation.Tests;

/// <summary>
/// Tests that fetch from one shared 127.0.0.1 server; each registers unique paths, whose request counts prove what
/// connected and what did not.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LoopbackCollection : ICollectionFixture<LoopbackImageServerFixture>
{
    public const string Name = "Loopback image server";
}
