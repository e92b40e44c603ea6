using Valar.Testing.Servers;

namespace Valar.Validation.Tests.Security;

/// <summary>Request-level SSRF tests share one 127.0.0.1 server whose per-path request counts prove nothing connected.</summary>
[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<LoopbackImageServerFixture>
{
    public const string Name = "Security: loopback image server";
}
