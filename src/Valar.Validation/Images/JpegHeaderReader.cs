using System.Buffers.Binary;

namespace Valar.Validation.Images;

/// <summary>
/// Walks JPEG segments by their lengths (APPn/EXIF/ICC, tables, comments) to the first SOFn frame header and reads its
/// size. When the frame header lies beyond the bytes given, asks for enough bytes to reach the next marker.
/// </summary>
internal static class JpegHeaderReader
{
    private const byte MarkerPrefix = 0xFF; // every marker, and the fill bytes that may precede one
    private const byte StuffedZero = 0x00; // FF 00 escapes a data byte; it is not a marker
    private const byte Tem = 0x01; // standalone: temporary use in arithmetic coding
    private const byte Rst0 = 0xD0; // standalone: restart markers D0..D7
    private const byte Rst7 = 0xD7;
    private const byte Soi = 0xD8; // standalone: start of image
    private const byte Eoi = 0xD9; // end of image
    private const byte Sos = 0xDA; // start of scan: entropy-coded data follows
    private const byte Sof0 = 0xC0; // frame headers C0..CF, except the three below
    private const byte Sof15 = 0xCF;
    private const byte Dht = 0xC4; // define Huffman table (in the SOF range, not a frame header)
    private const byte Jpg = 0xC8; // reserved for JPEG extensions
    private const byte Dac = 0xCC; // define arithmetic coding conditioning

    private const int MinimumSegmentLength = 2; // the length field counts itself
    private const int MinimumFrameHeaderLength = 8; // length (2), precision (1), height (2), width (2), components (1)

    /// <summary>From a marker byte to the end of the width field: length (2), precision (1), height (2), width (2).</summary>
    private const int FrameFieldsAfterMarker = 7;

    private static ReadOnlySpan<byte> JpegSignature =>
    [
        0xFF, // marker prefix
        0xD8, // SOI
        0xFF, // prefix of the first segment's marker
    ];

    /// <summary>Returns false when the bytes are not (a prefix of) a JPEG; otherwise the inspection.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, bool isComplete, out ImageInspection result)
    {
        if (!Signature.MatchesPrefix(data, JpegSignature))
        {
            result = default;
            return false;
        }

        result = Read(data, isComplete);
        return true;
    }

    private static ImageInspection Read(ReadOnlySpan<byte> data, bool isComplete)
    {
        long offset = 2;
        while (true)
        {
            // Like libjpeg and Pillow, skip stray bytes before a marker and any number of fill bytes.
            offset = SkipTo(data, offset, MarkerPrefix);
            offset = SkipPast(data, offset, MarkerPrefix);

            if (offset >= data.Length)
            {
                return Truncated(data, offset + 1 + FrameFieldsAfterMarker, isComplete);
            }

            var markerOffset = offset;
            var marker = data[(int)markerOffset];
            if (marker == StuffedZero)
            {
                return ImageInspection.Invalid(ImageFormat.Jpeg, "JPEG has a stuffed zero byte where a marker should be");
            }

            if (marker is Tem or Soi or (>= Rst0 and <= Rst7))
            {
                offset = markerOffset + 1;
                continue;
            }

            if (marker == Eoi)
            {
                return ImageInspection.Invalid(ImageFormat.Jpeg, "JPEG ends before its frame header");
            }

            if (marker == Sos)
            {
                return ImageInspection.Invalid(ImageFormat.Jpeg, "JPEG scan starts before its frame header");
            }

            if (IsFrameHeader(marker))
            {
                return ReadFrameHeader(data, markerOffset, isComplete);
            }

            if (markerOffset + 3 > data.Length)
            {
                return Truncated(data, markerOffset + FrameFieldsAfterMarker + 1, isComplete);
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(int)(markerOffset + 1)..]);
            if (length < MinimumSegmentLength)
            {
                return ImageInspection.Invalid(ImageFormat.Jpeg, "JPEG segment length is less than 2");
            }

            offset = markerOffset + 1 + length;
        }
    }

    private static ImageInspection ReadFrameHeader(ReadOnlySpan<byte> data, long markerOffset, bool isComplete)
    {
        if (markerOffset + 1 + FrameFieldsAfterMarker > data.Length)
        {
            return Truncated(data, markerOffset + 1 + FrameFieldsAfterMarker, isComplete);
        }

        var fields = data.Slice((int)markerOffset + 1, FrameFieldsAfterMarker);
        var length = BinaryPrimitives.ReadUInt16BigEndian(fields);
        var height = BinaryPrimitives.ReadUInt16BigEndian(fields[3..]);
        var width = BinaryPrimitives.ReadUInt16BigEndian(fields[5..]);
        if (length < MinimumFrameHeaderLength)
        {
            return ImageInspection.Invalid(ImageFormat.Jpeg, "JPEG frame header is too short");
        }

        // A zero height defers to a DNL marker after the first scan; no decoder we target supports that.
        if (height == 0)
        {
            return ImageInspection.Invalid(ImageFormat.Jpeg, "JPEG frame header has zero height");
        }

        if (width == 0)
        {
            return ImageInspection.Invalid(ImageFormat.Jpeg, "JPEG frame header has zero width");
        }

        return ImageInspection.Recognized(new ImageInfo(ImageFormat.Jpeg, width, height));
    }

    private static long SkipTo(ReadOnlySpan<byte> data, long offset, byte value)
    {
        if (offset >= data.Length)
        {
            return offset;
        }

        var found = data[(int)offset..].IndexOf(value);
        return found < 0 ? data.Length : offset + found;
    }

    private static long SkipPast(ReadOnlySpan<byte> data, long offset, byte value)
    {
        if (offset >= data.Length)
        {
            return offset;
        }

        var found = data[(int)offset..].IndexOfAnyExcept(value);
        return found < 0 ? data.Length : offset + found;
    }

    private static bool IsFrameHeader(byte marker) =>
        marker is >= Sof0 and <= Sof15 and not Dht and not Jpg and not Dac;

    private static ImageInspection Truncated(ReadOnlySpan<byte> data, long requiredLength, bool isComplete) =>
        ImageInspection.Truncated(ImageFormat.Jpeg, data.Length, requiredLength, isComplete, "truncated JPEG header");
}
