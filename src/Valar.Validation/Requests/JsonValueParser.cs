using System.Text.Json;

namespace Valar.Validation.Requests;

/// <summary>Parses the value the reader is on.</summary>
internal delegate bool JsonValueParser(ref Utf8JsonReader reader, ParseContext context);
