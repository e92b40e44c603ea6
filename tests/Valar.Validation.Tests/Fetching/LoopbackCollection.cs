using Valar.Testing.Servers;

namespace Valar.Validation.Tests.Fetching;

/// <summary>Fetcher tests share one loopback server and run one class at a time, so timing assertions stay fair.</summary>
[CollectionDefinition(Name)]
public sealed class LoopbackCollection : ICollectionFixture<LoopbackImageServerFixture>
{
    public const string Name = "Loopback image server";
}
