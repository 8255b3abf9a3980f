namespace Nabla.Vision;

/// <summary>Baseline (and 8-bit extended) sequential Huffman JPEG decoding, ITU-T T.81 Annex F, with libjpeg's
/// integer IDCT, "fancy" chroma upsampling and YCbCr → RGB conversion so that the pixels equal libjpeg's (PIL's).
/// See <see cref="Jpeg"/> for what is read and refused.</summary>
internal sealed class JpegDecoder
{
    private sealed class Component
    {
        public int Id, H, V, Tq, BlocksW, BlocksH, Width, Height, Dc, DcTable, AcTable;
        public int[] Coefficients = [];
        public int[]? Quant;
    }

    /// <summary>A Huffman table in the form of T.81 Figure F.16: for each code length, the largest code, and the index
    /// in HUFFVAL of the first code of that length minus that code.</summary>
    private sealed class Huffman
    {
        public readonly int[] MaxCode = new int[18];
        public readonly int[] ValOffset = new int[17];
        public byte[] Values = [];

        /// <summary>Codes of at most <see cref="LookupBits"/> bits looked up at once: entry = length « 8 | symbol
        /// for every 9-bit string starting with the code, 0 when the code is longer.</summary>
        public readonly ushort[] Lookup = new ushort[1 << LookupBits];
    }

    private const int LookupBits = 9;

    private readonly byte[] _data;
    private readonly string _name;
    private readonly int[]?[] _quant = new int[]?[4];
    private readonly Huffman?[] _dc = new Huffman?[4], _ac = new Huffman?[4];
    private Component[] _components = [];
    private int _width, _height, _hMax, _vMax, _mcusX, _mcusY, _restartInterval;
    private bool _jfif, _adobe;
    private int _adobeTransform = -1;
    private int _pos;

    // Entropy-coded data bit reader: up to 64 bits, the next one in the top bit. When the data ends (a marker or the
    // end of the file), zero bytes are appended, as libjpeg does, and counted in _fakeBits: using any of them means
    // the scan was cut short.
    private ulong _acc;
    private int _bits, _fakeBits, _endMarker = -1;
    private bool _ended;
    private bool _scansSeen;

    private JpegDecoder(ReadOnlySpan<byte> data, string name)
    {
        _data = data.ToArray();
        _name = name;
    }

    /// <summary>Decodes a whole file into planar 8-bit samples: 1 plane (grey) or 3 (R, G, B).</summary>
    public static (byte[] Planes, int Channels, int Height, int Width) Decode(ReadOnlySpan<byte> data, string name)
        => new JpegDecoder(data, name).Run();

    private ImageFormatException Error(long offset, string problem) => new(_name, offset, problem);

    private int U16(int at)
    {
        if (at + 2 > _data.Length) throw Error(_data.Length, $"truncated JPEG: a 2-byte field at byte {at} is past the end of the {_data.Length}-byte file");
        return (_data[at] << 8) | _data[at + 1];
    }

    private (byte[] Planes, int Channels, int Height, int Width) Run()
    {
        if (!Jpeg.IsJpeg(_data)) throw Error(0, "not a JPEG file: it does not start with the SOI marker FF D8");
        _pos = 2;
        while (true)
        {
            int markerAt = _pos;
            if (_pos >= _data.Length) throw Error(_data.Length, "truncated JPEG: the file ends before the EOI marker (FF D9)");
            if (_data[_pos] != 0xFF) throw Error(_pos, $"expected a marker (FF xx), found byte {_data[_pos]:X2}");
            // Any number of FF fill bytes may precede a marker (T.81 §B.1.1.2).
            while (_pos < _data.Length && _data[_pos] == 0xFF) _pos++;
            if (_pos >= _data.Length) throw Error(_data.Length, "truncated JPEG: the file ends inside a marker");
            int marker = _data[_pos++];
            switch (marker)
            {
                case 0xD9:
                    if (!_scansSeen) throw Error(markerAt, "EOI before any scan (SOS): the JPEG file has no image data");
                    return Finish();
                case 0xC0 or 0xC1:
                    ReadFrame(markerAt, marker);
                    break;
                case 0xC4:
                    ReadHuffman(markerAt);
                    break;
                case 0xDB:
                    ReadQuant(markerAt);
                    break;
                case 0xDD:
                    if (Segment(markerAt, out int body) != 2) throw Error(markerAt, "DRI segment must have 2 data bytes");
                    _restartInterval = U16(body);
                    break;
                case 0xDA:
                    ReadScan(markerAt);
                    break;
                case >= 0xE0 and <= 0xEF or 0xFE:
                    ReadApplication(markerAt, marker);
                    break;
                default:
                    throw Error(markerAt, Unsupported(marker));
            }
        }
    }

    private static string Unsupported(int marker) => marker switch
    {
        0xC2 => "progressive JPEG (SOF2) is not supported; Nabla decodes baseline sequential JPEG (SOF0/SOF1). Re-save it as baseline (PIL: progressive=False)",
        0xC3 => "lossless JPEG (SOF3) is not supported; Nabla decodes baseline sequential JPEG",
        0xC5 or 0xC6 or 0xC7 => $"hierarchical JPEG (SOF{marker - 0xC0}) is not supported; Nabla decodes baseline sequential JPEG",
        0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF or 0xCC => $"arithmetic-coded JPEG (marker FF {marker:X2}) is not supported; Nabla decodes Huffman-coded baseline JPEG",
        0xD8 => "a second SOI marker",
        >= 0xD0 and <= 0xD7 => $"restart marker RST{marker - 0xD0} outside entropy-coded data",
        0xDC => "DNL marker (height defined after the scan) is not supported",
        _ => $"unexpected marker FF {marker:X2}",
    };

    /// <summary>Reads a segment's length field at <see cref="_pos"/>, checks it fits, moves past the segment and
    /// returns the number of data bytes (length − 2) with <paramref name="body"/> their start.</summary>
    private int Segment(int markerAt, out int body)
    {
        int length = U16(_pos);
        if (length < 2) throw Error(_pos, $"segment length {length} is less than 2 (the length field itself)");
        if (_pos + length > _data.Length)
            throw Error(_data.Length, $"truncated JPEG: the segment of marker FF {_data[markerAt + 1]:X2} at byte {markerAt} needs {length} bytes, {_data.Length - _pos} remain");
        body = _pos + 2;
        _pos += length;
        return length - 2;
    }

    private void ReadApplication(int markerAt, int marker)
    {
        int n = Segment(markerAt, out int body);
        ReadOnlySpan<byte> s = _data.AsSpan(body, n);
        if (marker == 0xE0 && s.StartsWith("JFIF\0"u8)) _jfif = true;
        // Adobe APP14: "Adobe", version (2), flags0 (2), flags1 (2), transform (1): 0 = RGB or CMYK, 1 = YCbCr.
        if (marker == 0xEE && n >= 12 && s.StartsWith("Adobe"u8))
        {
            _adobe = true;
            _adobeTransform = s[11];
        }
    }

    private void ReadQuant(int markerAt)
    {
        int n = Segment(markerAt, out int at);
        int end = at + n;
        while (at < end)
        {
            int pq = _data[at] >> 4, tq = _data[at] & 15;
            if (pq > 1) throw Error(at, $"DQT precision {pq}; it must be 0 (8-bit) or 1 (16-bit)");
            if (tq > 3) throw Error(at, $"DQT table id {tq}; ids are 0..3");
            int size = 1 + 64 * (pq + 1);
            if (at + size > end) throw Error(at, $"DQT table {tq} needs {size} bytes but the segment has {end - at} left");
            var table = new int[64];
            for (int k = 0; k < 64; k++)
            {
                int q = pq == 0 ? _data[at + 1 + k] : U16(at + 1 + 2 * k);
                if (q == 0) throw Error(at + 1 + k * (pq + 1), $"DQT table {tq} has a zero quantisation step");
                table[JpegTables.ZigZag[k]] = q;
            }
            _quant[tq] = table;
            at += size;
        }
    }

    private void ReadHuffman(int markerAt)
    {
        int n = Segment(markerAt, out int at);
        int end = at + n;
        while (at < end)
        {
            if (at + 17 > end) throw Error(at, "DHT segment too short for a table's 16 code counts");
            int tc = _data[at] >> 4, th = _data[at] & 15;
            if (tc > 1) throw Error(at, $"DHT table class {tc}; it must be 0 (DC) or 1 (AC)");
            if (th > 3) throw Error(at, $"DHT table id {th}; ids are 0..3");
            var table = new Huffman();
            int count = 0, code = 0;
            for (int length = 1; length <= 16; length++)
            {
                int li = _data[at + length];
                table.ValOffset[length] = count - code;
                code += li;
                count += li;
                // The codes of each length must fit in that many bits (Annex C).
                if (code > 1 << length) throw Error(at + length, $"DHT table {th} has more codes of length {length} than {length} bits allow");
                table.MaxCode[length] = li == 0 ? -1 : code - 1;
                code <<= 1;
            }
            table.MaxCode[17] = int.MaxValue;
            if (at + 17 + count > end) throw Error(at, $"DHT table needs {count} symbols but the segment has {end - at - 17} bytes left");
            table.Values = _data.AsSpan(at + 17, count).ToArray();
            int next = 0, k = 0;
            for (int length = 1; length <= LookupBits; length++, next <<= 1)
            {
                for (int i = 0; i < _data[at + length]; i++, next++, k++)
                {
                    int shift = LookupBits - length;
                    for (int fill = 0; fill < 1 << shift; fill++) table.Lookup[(next << shift) | fill] = (ushort)(length << 8 | table.Values[k]);
                }
            }
            (tc == 0 ? _dc : _ac)[th] = table;
            at += 17 + count;
        }
    }

    private void ReadFrame(int markerAt, int marker)
    {
        if (_components.Length > 0) throw Error(markerAt, "a second SOF marker: only one frame is allowed");
        int n = Segment(markerAt, out int at);
        if (n < 6) throw Error(at, $"SOF{marker - 0xC0} segment has {n} bytes; it needs at least 6");
        int precision = _data[at];
        if (precision != 8) throw Error(at, $"{precision}-bit JPEG is not supported; Nabla decodes 8-bit samples");
        _height = U16(at + 1);
        _width = U16(at + 3);
        int nf = _data[at + 5];
        if (_height == 0) throw Error(at + 1, "height 0 (defined later by a DNL marker) is not supported");
        if (_width == 0) throw Error(at + 3, "width 0 is not a valid JPEG frame");
        if (nf == 4) throw Error(at + 5, "a 4-component (CMYK or YCCK) JPEG is not supported; Nabla decodes greyscale and YCbCr/RGB");
        if (nf is not (1 or 3)) throw Error(at + 5, $"{nf} components is not supported; Nabla decodes 1 (greyscale) or 3 (YCbCr/RGB)");
        if (n != 6 + 3 * nf) throw Error(at, $"SOF segment has {n} bytes; {nf} components need {6 + 3 * nf}");
        _components = new Component[nf];
        for (int i = 0; i < nf; i++)
        {
            int c = at + 6 + 3 * i;
            var comp = new Component { Id = _data[c], H = _data[c + 1] >> 4, V = _data[c + 1] & 15, Tq = _data[c + 2] };
            if (comp.H is < 1 or > 2 || comp.V is < 1 or > 2)
                throw Error(c + 1, $"component {comp.Id} has sampling factors {comp.H}×{comp.V}; Nabla decodes factors 1 and 2 (4:4:4, 4:2:2, 4:2:0, 4:4:0)");
            if (comp.Tq > 3) throw Error(c + 2, $"component {comp.Id} uses quantisation table {comp.Tq}; ids are 0..3");
            for (int j = 0; j < i; j++)
                if (_components[j].Id == comp.Id) throw Error(c, $"two components have the id {comp.Id}");
            _components[i] = comp;
        }
        _hMax = _components.Max(c => c.H);
        _vMax = _components.Max(c => c.V);
        _mcusX = (_width + 8 * _hMax - 1) / (8 * _hMax);
        _mcusY = (_height + 8 * _vMax - 1) / (8 * _vMax);
        // The largest buffer is a component's coefficients: (MCUs · 8·Hmax) × (MCUs · 8·Vmax) ints at most.
        if ((long)_width * _height * nf > Array.MaxLength || (long)_mcusX * _mcusY * 64 * _hMax * _vMax > Array.MaxLength)
            throw Error(at + 1, $"image of {_width}×{_height} pixels is too large to decode into one tensor");
        foreach (Component c in _components)
        {
            // Component size (T.81 §A.1.1): ceil(X · H / Hmax) × ceil(Y · V / Vmax); its block grid is padded to
            // whole MCUs so that an interleaved scan can write every block of every MCU.
            c.Width = (_width * c.H + _hMax - 1) / _hMax;
            c.Height = (_height * c.V + _vMax - 1) / _vMax;
            c.BlocksW = _mcusX * c.H;
            c.BlocksH = _mcusY * c.V;
            c.Coefficients = new int[c.BlocksW * c.BlocksH * 64];
        }
    }

    private void ReadScan(int markerAt)
    {
        if (_components.Length == 0) throw Error(markerAt, "SOS before the frame header (SOF0/SOF1)");
        int n = Segment(markerAt, out int at);
        int ns = n > 0 ? _data[at] : 0;
        if (ns is < 1 or > 4 || n != 4 + 2 * ns) throw Error(at, $"SOS segment of {n} bytes with {ns} components; it must be 1..4 components in 4 + 2·Ns bytes");
        var scan = new Component[ns];
        int blocksPerMcu = 0;
        for (int i = 0; i < ns; i++)
        {
            int s = at + 1 + 2 * i;
            Component? comp = Array.Find(_components, c => c.Id == _data[s])
                ?? throw Error(s, $"scan component id {_data[s]} is not in the frame");
            comp.DcTable = _data[s + 1] >> 4;
            comp.AcTable = _data[s + 1] & 15;
            if (comp.DcTable > 3 || _dc[comp.DcTable] is null) throw Error(s + 1, $"component {comp.Id} uses DC Huffman table {comp.DcTable}, which is not defined");
            if (comp.AcTable > 3 || _ac[comp.AcTable] is null) throw Error(s + 1, $"component {comp.Id} uses AC Huffman table {comp.AcTable}, which is not defined");
            // libjpeg latches the quantisation table when a component's first scan starts.
            comp.Quant ??= _quant[comp.Tq] ?? throw Error(s, $"component {comp.Id} uses quantisation table {comp.Tq}, which is not defined");
            scan[i] = comp;
            blocksPerMcu += comp.H * comp.V;
        }
        int ss = _data[at + 1 + 2 * ns], se = _data[at + 2 + 2 * ns], ahal = _data[at + 3 + 2 * ns];
        if (ss != 0 || se != 63 || ahal != 0)
            throw Error(at + 1 + 2 * ns, $"spectral selection {ss}..{se} and approximation {ahal >> 4}/{ahal & 15}: a sequential scan must be 0..63 and 0/0");
        if (ns > 1 && blocksPerMcu > 10) throw Error(at, $"an interleaved MCU of {blocksPerMcu} blocks; at most 10 are allowed");
        _scansSeen = true;

        // An interleaved scan codes whole MCUs; a one-component scan codes that component's blocks in raster order,
        // only those covering its samples (T.81 §A.2.2).
        int unitsX = ns == 1 ? (scan[0].Width + 7) / 8 : _mcusX;
        int unitsY = ns == 1 ? (scan[0].Height + 7) / 8 : _mcusY;
        long units = (long)unitsX * unitsY;
        foreach (Component c in scan) c.Dc = 0;
        ResetBits();
        int restart = 0;
        for (long unit = 0; unit < units; unit++)
        {
            if (_restartInterval > 0 && unit > 0 && unit % _restartInterval == 0)
            {
                ReadRestart(restart, unit, units);
                restart = (restart + 1) & 7;
                foreach (Component c in scan) c.Dc = 0;
            }
            int ux = (int)(unit % unitsX), uy = (int)(unit / unitsX);
            if (ns == 1)
            {
                DecodeBlock(scan[0], uy * scan[0].BlocksW + ux, unit, units);
                continue;
            }
            foreach (Component c in scan)
            {
                for (int by = 0; by < c.V; by++)
                    for (int bx = 0; bx < c.H; bx++)
                        DecodeBlock(c, (uy * c.V + by) * c.BlocksW + ux * c.H + bx, unit, units);
            }
        }
        // The scan ends at the next marker; fewer than 8 unused bits (the padding of the last byte) may remain.
        EndOfData();
        if (_bits - _fakeBits >= 8)
            throw Error(_pos, $"{(_bits - _fakeBits) / 8} or more bytes of extra data after the last MCU of the scan");
        ResetBits();
    }

    private void ResetBits()
    {
        _acc = 0;
        _bits = _fakeBits = 0;
        _ended = false;
        _endMarker = -1;
    }

    /// <summary>Reads bytes up to the marker that ends the entropy-coded data (or as far as the buffer allows).</summary>
    private void EndOfData()
    {
        if (!_ended) Fill();
    }

    private void ReadRestart(int expected, long unit, long units)
    {
        EndOfData();
        if (!_ended || _endMarker < 0 || _bits - _fakeBits >= 8)
            throw Error(_pos, $"expected restart marker RST{expected} before MCU {unit} of {units} (restart interval {_restartInterval})");
        int p = _pos;
        while (p < _data.Length && _data[p] == 0xFF) p++;
        if (p >= _data.Length || _data[p] != 0xD0 + expected)
            throw Error(_pos, $"expected restart marker RST{expected} before MCU {unit} of {units} (restart interval {_restartInterval})");
        _pos = p + 1;
        ResetBits();
    }

    /// <summary>Tops the bit buffer up to more than 56 bits. FF 00 is a stuffed FF data byte (T.81 §F.1.2.3); FF
    /// followed by anything else is a marker, which ends the data: <see cref="_pos"/> stays on its FF.</summary>
    private void Fill()
    {
        while (_bits <= 56)
        {
            int b = 0;
            if (_ended) _fakeBits += 8;
            else if (_pos >= _data.Length)
            {
                _ended = true;
                continue;
            }
            else
            {
                b = _data[_pos];
                if (b == 0xFF)
                {
                    if (_pos + 1 >= _data.Length)
                    {
                        _ended = true;
                        continue;
                    }
                    int next = _data[_pos + 1];
                    if (next != 0)
                    {
                        _ended = true;
                        _endMarker = next;
                        continue;
                    }
                    _pos += 2;
                }
                else _pos++;
            }
            _acc |= (ulong)b << (56 - _bits);
            _bits += 8;
        }
    }

    /// <summary>Drops <paramref name="n"/> bits; using bits past the end of the data means the scan is truncated.</summary>
    private void Consume(int n, long unit, long units)
    {
        _acc <<= n;
        _bits -= n;
        if (_bits < _fakeBits)
        {
            throw _endMarker >= 0
                ? Error(_pos, $"truncated scan: marker FF {_endMarker:X2} in the entropy-coded data of MCU {unit} of {units}")
                : Error(_data.Length, $"truncated JPEG: the entropy-coded data ends in MCU {unit} of {units}");
        }
    }

    private void DecodeBlock(Component c, int block, long unit, long units)
    {
        Span<int> coef = c.Coefficients.AsSpan(block * 64, 64);
        Huffman dc = _dc[c.DcTable]!, ac = _ac[c.AcTable]!;
        int t = DecodeSymbol(dc, unit, units);
        if (t > 11) throw Error(_pos, $"DC magnitude category {t} in MCU {unit}; 8-bit JPEG allows 0..11");
        c.Dc += Receive(t, unit, units);
        coef[0] = c.Dc;
        for (int k = 1; k < 64; k++)
        {
            int rs = DecodeSymbol(ac, unit, units);
            int r = rs >> 4, s = rs & 15;
            if (s == 0)
            {
                if (r != 15) break; // EOB: the rest of the block is zero.
                k += 15; // ZRL: sixteen zeros.
                continue;
            }
            k += r;
            if (k > 63) throw Error(_pos, $"AC coefficients run past the end of the block in MCU {unit} of {units}");
            coef[JpegTables.ZigZag[k]] = Receive(s, unit, units);
        }
    }

    /// <summary>A value of category s sent as s bits (T.81 Figure F.12's EXTEND): values below 2^(s−1) are
    /// negative, v − 2^s + 1.</summary>
    private int Receive(int s, long unit, long units)
    {
        if (s == 0) return 0;
        if (_bits < s) Fill();
        int v = (int)(_acc >> (64 - s));
        Consume(s, unit, units);
        return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
    }

    /// <summary>The next Huffman symbol: codes of up to 9 bits from the lookup table, longer ones as T.81 Figure
    /// F.16 (the first L bits are a code of length L when they do not exceed the largest such code).</summary>
    private int DecodeSymbol(Huffman table, long unit, long units)
    {
        if (_bits < 16) Fill();
        int entry = table.Lookup[(int)(_acc >> (64 - LookupBits))];
        if (entry != 0)
        {
            Consume(entry >> 8, unit, units);
            return entry & 0xFF;
        }
        for (int length = LookupBits + 1; length <= 16; length++)
        {
            int code = (int)(_acc >> (64 - length));
            if (code <= table.MaxCode[length])
            {
                int index = table.ValOffset[length] + code;
                if ((uint)index >= (uint)table.Values.Length) break;
                Consume(length, unit, units);
                return table.Values[index];
            }
        }
        // No code matches: if the data had already ended, the scan is truncated; otherwise the code is invalid.
        if (_bits - _fakeBits < 16) Consume(_bits - _fakeBits + 1, unit, units);
        throw Error(_pos, $"invalid Huffman code in MCU {unit} of {units}");
    }

    private (byte[] Planes, int Channels, int Height, int Width) Finish()
    {
        foreach (Component c in _components)
            if (c.Quant is null) throw Error(_pos, $"component {c.Id} appears in no scan");
        int plane = _width * _height;
        var samples = new byte[_components.Length][];
        for (int i = 0; i < _components.Length; i++) samples[i] = Upsample(_components[i], Idct(_components[i]));
        if (_components.Length == 1) return (samples[0], 1, _height, _width);
        var rgb = new byte[3 * plane];
        if (IsRgb())
        {
            for (int i = 0; i < 3; i++) samples[i].CopyTo(rgb, i * plane);
        }
        else
        {
            YCbCrToRgb(samples[0], samples[1], samples[2], rgb, plane);
        }
        return (rgb, 3, _height, _width);
    }

    /// <summary>libjpeg's choice of colour space for 3 components (jdapimin.c): a JFIF marker means YCbCr; else an
    /// Adobe marker's transform flag decides (0 = RGB); else component ids 'R', 'G', 'B' mean RGB; else YCbCr.</summary>
    private bool IsRgb()
    {
        if (_jfif) return false;
        if (_adobe) return _adobeTransform == 0;
        return _components[0].Id == 'R' && _components[1].Id == 'G' && _components[2].Id == 'B';
    }

    /// <summary>The component's samples at its own resolution, padded to whole blocks (stride BlocksW · 8).</summary>
    private static byte[] Idct(Component c)
    {
        int stride = c.BlocksW * 8;
        var output = new byte[stride * c.BlocksH * 8];
        for (int by = 0; by < c.BlocksH; by++)
        {
            for (int bx = 0; bx < c.BlocksW; bx++)
            {
                int block = by * c.BlocksW + bx;
                JpegDct.InverseIslow(c.Coefficients.AsSpan(block * 64, 64), c.Quant, output, by * 8 * stride + bx * 8, stride);
            }
        }
        return output;
    }

    /// <summary>Upsamples a component to the image size as libjpeg-turbo does with fancy upsampling on (its
    /// default, and PIL's): 2× horizontally and vertically by triangle filters (¾ nearer sample + ¼ further one,
    /// jdsample.c h2v1/h2v2/h1v2_fancy_upsample, with the same rounding biases), edge samples replicated; 2×
    /// horizontal upsampling of a component at most 2 samples wide is plain replication, as libjpeg's.</summary>
    private byte[] Upsample(Component c, byte[] s)
    {
        int stride = c.BlocksW * 8, w = c.Width, h = c.Height;
        int fx = _hMax / c.H, fy = _vMax / c.V;
        var output = new byte[_width * _height];
        bool fancyH = fx == 2 && w > 2;
        bool fancyV = fy == 2 && (fx == 1 || fancyH);
        var sums = new int[w];
        for (int y = 0; y < _height; y++)
        {
            int sy = y / fy;
            ReadOnlySpan<byte> near = s.AsSpan(sy * stride, w);
            Span<byte> o = output.AsSpan(y * _width, _width);
            if (fancyV)
            {
                // Column sums 3·nearer row + further row: the row above for the upper output row of a pair, below
                // for the lower one, edge rows repeated.
                int far = Math.Clamp(y % 2 == 0 ? sy - 1 : sy + 1, 0, h - 1);
                ReadOnlySpan<byte> other = s.AsSpan(far * stride, w);
                for (int i = 0; i < w; i++) sums[i] = 3 * near[i] + other[i];
            }
            if (fx == 1)
            {
                // h1v2: (3·nearer + further + bias) / 4, bias 1 on the upper output row, 2 on the lower.
                int bias = y % 2 == 0 ? 1 : 2;
                for (int x = 0; x < _width; x++) o[x] = fancyV ? (byte)((sums[x] + bias) >> 2) : near[x];
            }
            else if (!fancyH)
            {
                for (int x = 0; x < _width; x++) o[x] = near[x >> 1];
            }
            else if (fancyV)
            {
                // h2v2: (3·this column sum + neighbouring column sum + bias) / 16, bias 8 on the left output, 7 on
                // the right; edge columns repeated.
                for (int x = 0; x < _width; x++)
                {
                    int sx = x >> 1;
                    o[x] = (x & 1) == 0
                        ? (byte)((3 * sums[sx] + sums[Math.Max(sx - 1, 0)] + 8) >> 4)
                        : (byte)((3 * sums[sx] + sums[Math.Min(sx + 1, w - 1)] + 7) >> 4);
                }
            }
            else
            {
                // h2v1: (3·nearer + further + bias) / 4, bias 1 on the left output, 2 on the right.
                for (int x = 0; x < _width; x++)
                {
                    int sx = x >> 1;
                    o[x] = (x & 1) == 0
                        ? (byte)((3 * near[sx] + near[Math.Max(sx - 1, 0)] + 1) >> 2)
                        : (byte)((3 * near[sx] + near[Math.Min(sx + 1, w - 1)] + 2) >> 2);
                }
            }
        }
        return output;
    }

    // jdcolor.c: 16-bit fixed-point JFIF (full-range BT.601) YCbCr → RGB.
    private const int ScaleBits = 16, Half = 1 << (ScaleBits - 1);

    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    private static readonly int CrToR = Fix(1.40200), CbToB = Fix(1.77200), CbToG = Fix(0.34414), CrToG = Fix(0.71414);

    /// <summary>JFIF's R = Y + 1.402 (Cr − 128), G = Y − 0.34414 (Cb − 128) − 0.71414 (Cr − 128),
    /// B = Y + 1.772 (Cb − 128), in libjpeg's fixed point (ycc_rgb_convert), clamped to 0..255.</summary>
    internal static void YCbCrToRgb(byte[] y, byte[] cb, byte[] cr, byte[] rgb, int plane)
    {
        for (int i = 0; i < plane; i++)
        {
            int yy = y[i], b = cb[i] - 128, r = cr[i] - 128;
            int crR = (CrToR * r + Half) >> ScaleBits;
            int cbB = (CbToB * b + Half) >> ScaleBits;
            int g = (-CbToG * b + Half + -CrToG * r) >> ScaleBits;
            rgb[i] = (byte)Math.Clamp(yy + crR, 0, 255);
            rgb[plane + i] = (byte)Math.Clamp(yy + g, 0, 255);
            rgb[2 * plane + i] = (byte)Math.Clamp(yy + cbB, 0, 255);
        }
    }
}
