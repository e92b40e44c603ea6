using System.Globalization;

namespace Valar.Validation.Images.Structure;

/// <summary>
/// Every problem the structure walkers report, in one place. Each becomes <c>invalid image: &lt;problem&gt;</c>
/// (<see cref="ValidationErrors.InvalidImage"/>); each names the format, and where it helps, the offset or frame.
/// </summary>
internal static class StructureProblems
{
    // JPEG
    public static string JpegSegmentPastEnd(byte marker, long offset) => Invariant($"JPEG segment 0x{marker:X2} at offset {offset} runs past the end of the data");

    public static string JpegSegmentTooShort(byte marker, long offset) => Invariant($"JPEG segment 0x{marker:X2} at offset {offset} is shorter than its fields");

    public static string JpegEndsBeforeEoi => "JPEG ends before its EOI marker";

    public static string JpegNoScan => "JPEG has no scan before its EOI marker";

    public static string JpegScanBeforeFrame => "JPEG scan starts before its frame header";

    public static string JpegSecondFrame => "JPEG has a second frame header";

    public static string JpegCodingProcess(byte marker) => Invariant($"JPEG frame header SOF{marker - 0xC0} uses a coding process that decoders do not support");

    public static string JpegPrecision(int precision) => Invariant($"JPEG sample precision is {precision} bits; only 8 is supported");

    public static string JpegComponentCount(int count) => Invariant($"JPEG frame has {count} components; only 1, 3 or 4 are supported");

    public static string JpegSamplingFactor(int component) => Invariant($"JPEG component {component} has a sampling factor outside 1 to 4");

    public static string JpegDqt(long offset) => Invariant($"JPEG DQT segment at offset {offset} is malformed");

    public static string JpegDht(long offset) => Invariant($"JPEG DHT segment at offset {offset} is malformed");

    public static string JpegScanHeader(long offset) => Invariant($"JPEG SOS segment at offset {offset} is malformed");

    public static string JpegScanComponent(int component) => Invariant($"JPEG scan names component {component}, which the frame does not have");

    public static string JpegMissingQuantizationTable(int table) => Invariant($"JPEG scan uses quantization table {table}, which is not defined");

    public static string JpegMissingHuffmanTable(int table) => Invariant($"JPEG scan uses Huffman table {table}, which is not defined");

    // PNG
    public static string PngIhdrField(string field) => $"PNG IHDR has an invalid {field}";

    public static string PngChunkPastEnd(string type, long offset) => Invariant($"PNG chunk '{type}' at offset {offset} runs past the end of the data");

    public static string PngChunkCrc(string type, long offset) => Invariant($"PNG chunk '{type}' at offset {offset} has a wrong CRC");

    public static string PngTrailingPartialChunk(long offset) => Invariant($"PNG ends inside a chunk header at offset {offset}");

    public static string PngNoIdat => "PNG has no IDAT chunk";

    public static string PngSecondIhdr => "PNG has a second IHDR chunk";

    public static string PngAnimationFrames(uint announced, int present) => Invariant($"PNG acTL announces {announced} frames but {present} are present");

    public static string PngFrameControl(int frame) => Invariant($"PNG fcTL of frame {frame} is malformed or does not fit the image");

    // GIF
    public static string GifEndsInsideFrame(int frame) => Invariant($"GIF ends inside frame {frame}");

    public static string GifEndsInsideExtension => "GIF ends inside an extension block";

    public static string GifLzwCodeSize(int frame, int size) => Invariant($"GIF frame {frame} has LZW minimum code size {size}, outside 0 to 11");

    public static string GifNoImageData(int frame) => Invariant($"GIF frame {frame} has no image data");

    public static string GifNoFrames => "GIF has no image data";

    // WebP
    public static string WebPRiffPastEnd(uint riffSize, int available) => Invariant($"WebP RIFF size {riffSize} runs past the end of the data ({available} bytes after the RIFF header)");

    public static string WebPChunkPastRiff(string fourCc, long offset) => Invariant($"WebP chunk '{fourCc}' at offset {offset} runs past the end of the RIFF");

    public static string WebPRiffTooSmall => "WebP RIFF size is too small for its chunks";

    public static string WebPAnimationFlagWithoutFrames => "WebP VP8X flags an animation but has no ANMF frames";

    public static string WebPFramesWithoutAnimationFlag => "WebP has ANMF frames but VP8X does not flag an animation";

    public static string WebPNoImageData => "WebP has no VP8 or VP8L image data";

    public static string WebPFrame(int frame, string problem) => Invariant($"WebP frame {frame} {problem}");

    public static string WebPFrameOutsideCanvas(int frame, int width, int height, int x, int y, int canvasWidth, int canvasHeight) =>
        Invariant($"WebP frame {frame} ({width}x{height} at {x},{y}) does not fit the {canvasWidth}x{canvasHeight} canvas");

    public static string WebPCanvasMismatch(int canvasWidth, int canvasHeight, int width, int height) =>
        Invariant($"WebP canvas {canvasWidth}x{canvasHeight} does not match its image {width}x{height}");

    public static string WebPBitstream(string problem) => $"WebP {problem}";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
