using System.Text.Json;

namespace Valar.Validation.Requests;

/// <summary>Parses the array item the reader is on, found at <paramref name="path"/>.</summary>
internal delegate bool JsonItemParser(ref Utf8JsonReader reader, ParseContext context, string path);
