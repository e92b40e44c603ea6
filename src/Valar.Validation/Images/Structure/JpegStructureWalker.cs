using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Valar.Validation.Images.Structure;

/// <summary>
/// Walks a JPEG from SOI to EOI the way libjpeg-turbo reads it: segments in a legal order, DQT/DHT well-formed,
/// one frame header with 8-bit precision and 1, 3 or 4 components, scans that name existing components whose
/// quantization tables are defined (Huffman tables defined, or 0 and 1, which libjpeg-turbo supplies for Motion-JPEG),
/// and entropy-coded data that reaches EOI. The entropy data is skipped with a vectorized search for 0xFF.
/// </summary>
internal static class JpegStructureWalker
{
    private const byte MarkerPrefix = 0xFF;
    private const byte StuffedZero = 0x00; // FF 00 inside entropy data is a data byte
    private const byte Tem = 0x01; // standalone
    private const byte Rst0 = 0xD0; // standalone restart markers D0..D7
    private const byte Rst7 = 0xD7;
    private const byte Soi = 0xD8;
    private const byte Eoi = 0xD9;
    private const byte Sos = 0xDA;
    private const byte Dqt = 0xDB;
    private const byte Dht = 0xC4;
    private const byte Jpg = 0xC8; // reserved, not a frame header
    private const byte Dac = 0xCC; // arithmetic conditioning, not a frame header
    private const byte Sof0 = 0xC0; // baseline
    private const byte Sof1 = 0xC1; // extended sequential, Huffman
    private const byte Sof2 = 0xC2; // progressive, Huffman
    private const byte Sof9 = 0xC9; // extended sequential, arithmetic
    private const byte Sof10 = 0xCA; // progressive, arithmetic
    private const byte Sof15 = 0xCF;

    private const int MaxComponents = 4;
    private const int MaxTables = 4;
    private const int HuffmanCodeLengths = 16;
    private const int MaxHuffmanSymbols = 256;

    public static StructureResult Walk(ReadOnlySpan<byte> data, ImageInfo header)
    {
        var state = new State();
        var offset = 2;
        while (true)
        {
            // Like libjpeg, skip stray bytes before a marker (a warning there) and any number of fill bytes.
            var prefix = data[offset..].IndexOf(MarkerPrefix);
            if (prefix < 0)
            {
                return StructureResult.Invalid(StructureProblems.JpegEndsBeforeEoi);
            }

            offset += prefix;
            var fill = data[offset..].IndexOfAnyExcept(MarkerPrefix);
            if (fill < 0)
            {
                return StructureResult.Invalid(StructureProblems.JpegEndsBeforeEoi);
            }

            var markerOffset = offset + fill - 1;
            var marker = data[markerOffset + 1];
            offset = markerOffset + 2;
            if (marker is StuffedZero or Tem or Soi or (>= Rst0 and <= Rst7))
            {
                continue;
            }

            if (marker == Eoi)
            {
                return state.ScanCount == 0 ? StructureResult.Invalid(StructureProblems.JpegNoScan) : StructureResult.Valid(header);
            }

            if (offset + 2 > data.Length)
            {
                return StructureResult.Invalid(StructureProblems.JpegEndsBeforeEoi);
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            if (length < 2)
            {
                return StructureResult.Invalid(StructureProblems.JpegSegmentTooShort(marker, markerOffset));
            }

            if (offset + length > data.Length)
            {
                return StructureResult.Invalid(StructureProblems.JpegSegmentPastEnd(marker, markerOffset));
            }

            var fields = data.Slice(offset + 2, length - 2);
            offset += length;
            var problem = marker switch
            {
                Dqt => ReadQuantizationTables(fields, markerOffset, ref state),
                Dht => ReadHuffmanTables(fields, markerOffset, ref state),
                Sos => ReadScanHeader(fields, markerOffset, ref state),
                >= Sof0 and <= Sof15 and not Jpg and not Dac => ReadFrameHeader(marker, fields, markerOffset, ref state),
                _ => null, // APPn, COM, DRI, DNL, DAC and the rest: skipped by their length
            };
            if (problem is not null)
            {
                return StructureResult.Invalid(problem);
            }

            if (marker == Sos)
            {
                offset = SkipEntropyCodedData(data, offset);
                if (offset < 0)
                {
                    return StructureResult.Invalid(StructureProblems.JpegEndsBeforeEoi);
                }
            }
        }
    }

    /// <summary>Returns the offset of the marker that ends the entropy-coded data, or -1 when the data ends first.</summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> data, int offset)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            offset = FindMarkerCandidate(data, offset);
        }

        while (true)
        {
            var found = data[offset..].IndexOf(MarkerPrefix);
            if (found < 0 || offset + found + 1 >= data.Length)
            {
                return -1;
            }

            offset += found;
            var next = data[offset + 1];
            if (next == StuffedZero || next is >= Rst0 and <= Rst7)
            {
                offset += 2;
                continue;
            }

            if (next == MarkerPrefix)
            {
                // A fill byte: the marker (or stuffing) is decided by the byte after the run.
                offset += 1;
                continue;
            }

            return offset;
        }
    }

    /// <summary>
    /// 32 bytes at a time, the first 0xFF whose next byte makes it a marker (not stuffing 0x00, a restart marker or
    /// another 0xFF), or where the last whole block ends; the scalar loop finishes from there. Entropy data holds a
    /// stuffed 0xFF about every 256 bytes, which would stop a plain <c>IndexOf(0xFF)</c> that often.
    /// </summary>
    private static int FindMarkerCandidate(ReadOnlySpan<byte> data, int offset)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var prefix = Vector256.Create(MarkerPrefix);
        var restartMask = Vector256.Create((byte)0xF8);
        var restart = Vector256.Create(Rst0);
        for (; offset + Vector256<byte>.Count < data.Length; offset += Vector256<byte>.Count)
        {
            var current = Vector256.LoadUnsafe(ref start, (nuint)offset);
            var next = Vector256.LoadUnsafe(ref start, (nuint)offset + 1);
            var notMarker = Vector256.Equals(next, Vector256<byte>.Zero) | Vector256.Equals(next & restartMask, restart) | Vector256.Equals(next, prefix);
            var markers = Vector256.AndNot(Vector256.Equals(current, prefix), notMarker);
            if (markers != Vector256<byte>.Zero)
            {
                return offset + BitOperations.TrailingZeroCount(markers.ExtractMostSignificantBits());
            }
        }

        return offset;
    }

    private static string? ReadFrameHeader(byte marker, ReadOnlySpan<byte> fields, int markerOffset, ref State state)
    {
        if (state.HasFrame)
        {
            return StructureProblems.JpegSecondFrame;
        }

        if (marker is not (Sof0 or Sof1 or Sof2 or Sof9 or Sof10))
        {
            return StructureProblems.JpegCodingProcess(marker);
        }

        if (fields.Length < 6)
        {
            return StructureProblems.JpegSegmentTooShort(marker, markerOffset);
        }

        if (fields[0] != 8)
        {
            return StructureProblems.JpegPrecision(fields[0]);
        }

        var count = fields[5];
        if (count is not (1 or 3 or 4))
        {
            return StructureProblems.JpegComponentCount(count);
        }

        if (fields.Length != 6 + (3 * count))
        {
            return StructureProblems.JpegSegmentTooShort(marker, markerOffset);
        }

        state.HasFrame = true;
        state.IsArithmetic = marker is Sof9 or Sof10;
        state.ComponentCount = count;
        for (var i = 0; i < count; i++)
        {
            var component = fields.Slice(6 + (3 * i), 3);
            var horizontal = component[1] >> 4;
            var vertical = component[1] & 0x0F;
            if (horizontal is < 1 or > 4 || vertical is < 1 or > 4)
            {
                return StructureProblems.JpegSamplingFactor(component[0]);
            }

            if (component[2] >= MaxTables)
            {
                return StructureProblems.JpegSegmentTooShort(marker, markerOffset);
            }

            state.SetComponent(i, component[0], component[2]);
        }

        return null;
    }

    private static string? ReadQuantizationTables(ReadOnlySpan<byte> fields, int markerOffset, ref State state)
    {
        while (!fields.IsEmpty)
        {
            var precision = fields[0] >> 4;
            var table = fields[0] & 0x0F;
            var size = precision switch { 0 => 64, 1 => 128, _ => -1 };
            if (size < 0 || table >= MaxTables || fields.Length < 1 + size)
            {
                return StructureProblems.JpegDqt(markerOffset);
            }

            state.QuantizationTables |= 1 << table;
            fields = fields[(1 + size)..];
        }

        return null;
    }

    private static string? ReadHuffmanTables(ReadOnlySpan<byte> fields, int markerOffset, ref State state)
    {
        while (!fields.IsEmpty)
        {
            var tableClass = fields[0] >> 4;
            var table = fields[0] & 0x0F;
            if (tableClass > 1 || table >= MaxTables || fields.Length < 1 + HuffmanCodeLengths)
            {
                return StructureProblems.JpegDht(markerOffset);
            }

            var symbols = 0;
            foreach (var count in fields.Slice(1, HuffmanCodeLengths))
            {
                symbols += count;
            }

            // libjpeg-turbo refuses a table with more than 256 symbols ("Bogus Huffman table definition").
            if (symbols > MaxHuffmanSymbols || fields.Length < 1 + HuffmanCodeLengths + symbols)
            {
                return StructureProblems.JpegDht(markerOffset);
            }

            state.HuffmanTables |= 1 << ((tableClass * MaxTables) + table);
            fields = fields[(1 + HuffmanCodeLengths + symbols)..];
        }

        return null;
    }

    private static string? ReadScanHeader(ReadOnlySpan<byte> fields, int markerOffset, ref State state)
    {
        if (!state.HasFrame)
        {
            return StructureProblems.JpegScanBeforeFrame;
        }

        if (fields.IsEmpty)
        {
            return StructureProblems.JpegScanHeader(markerOffset);
        }

        var count = fields[0];
        if (count is < 1 or > MaxComponents || fields.Length != 1 + (2 * count) + 3)
        {
            return StructureProblems.JpegScanHeader(markerOffset);
        }

        // Spectral selection 0 is a DC scan (or a sequential one); a progressive AC-only scan uses no DC table.
        var spectralStart = fields[1 + (2 * count)];
        var spectralEnd = fields[2 + (2 * count)];
        for (var i = 0; i < count; i++)
        {
            var id = fields[1 + (2 * i)];
            var tables = fields[2 + (2 * i)];
            var quantizationTable = state.QuantizationTableOf(id);
            if (quantizationTable < 0)
            {
                return StructureProblems.JpegScanComponent(id);
            }

            if ((state.QuantizationTables & (1 << quantizationTable)) == 0)
            {
                return StructureProblems.JpegMissingQuantizationTable(quantizationTable);
            }

            if (state.IsArithmetic)
            {
                continue;
            }

            var dc = tables >> 4;
            var ac = tables & 0x0F;
            if (dc >= MaxTables || ac >= MaxTables)
            {
                return StructureProblems.JpegScanHeader(markerOffset);
            }

            // libjpeg-turbo supplies the standard tables 0 and 1 when a stream (Motion-JPEG) defines none.
            if (spectralStart == 0 && dc > 1 && (state.HuffmanTables & (1 << dc)) == 0)
            {
                return StructureProblems.JpegMissingHuffmanTable(dc);
            }

            if (spectralEnd > 0 && ac > 1 && (state.HuffmanTables & (1 << (MaxTables + ac))) == 0)
            {
                return StructureProblems.JpegMissingHuffmanTable(ac);
            }
        }

        state.ScanCount++;
        return null;
    }

    private struct State
    {
        public bool HasFrame;
        public bool IsArithmetic;
        public int ComponentCount;
        public int ScanCount;
        public int QuantizationTables; // bit per defined table 0..3
        public int HuffmanTables; // bits 0..3 DC tables, 4..7 AC tables
        private int _ids; // one byte per component: its id
        private int _tables; // one byte per component: its quantization table

        public void SetComponent(int index, byte id, byte quantizationTable)
        {
            _ids |= id << (8 * index);
            _tables |= quantizationTable << (8 * index);
        }

        public readonly int QuantizationTableOf(byte id)
        {
            for (var i = 0; i < ComponentCount; i++)
            {
                if (((_ids >> (8 * i)) & 0xFF) == id)
                {
                    return (_tables >> (8 * i)) & 0xFF;
                }
            }

            return -1;
        }
    }
}
