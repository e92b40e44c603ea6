using System.Buffers.Text;

namespace Valar.Validation.Payloads;

/// <summary>What one scan of a base64 payload found: well-formedness and the exact decoded length.</summary>
/// <param name="IsValid">The answer <see cref="Base64.IsValid(ReadOnlySpan{byte}, out int)"/> gives.</param>
/// <param name="DecodedLength">The decoded length when valid, else 0.</param>
internal readonly record struct Base64Scan(bool IsValid, int DecodedLength);
