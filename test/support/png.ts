import { inflateSync } from 'node:zlib';

/** A decoded 8-bit PNG: `pixels` holds RGBA bytes, row after row. */
export interface DecodedPng {
  width: number;
  height: number;
  pixels: Buffer;
}

/** Bytes per pixel of the 8-bit colour types this decoder knows: grey, RGB, grey+alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes a non-interlaced 8-bit PNG (grey, RGB, or either with alpha) to RGBA, enough to check an
 * icon's pixels without an image library.
 * @throws Error for any other kind of PNG.
 */
export function decodePng(bytes: Buffer): DecodedPng {
  let at = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  if (!header) throw new Error('no IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colorType, , , interlace] = header.subarray(8, 13);
  const channels = CHANNELS[colorType];
  if (depth !== 8 || !channels || interlace !== 0) {
    throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${interlace}`);
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    unfilter(filter, row, rows[y - 1], channels);
    rows.push(row);
  }
  const pixels = Buffer.alloc(width * height * 4);
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) {
      const px = row.subarray(x * channels, (x + 1) * channels);
      const rgba =
        channels === 1
          ? [px[0], px[0], px[0], 255]
          : channels === 2
            ? [px[0], px[0], px[0], px[1]]
            : channels === 3
              ? [px[0], px[1], px[2], 255]
              : [px[0], px[1], px[2], px[3]];
      pixels.set(rgba, (y * width + x) * 4);
    }
  });
  return { width, height, pixels };
}

/** Undoes one row's filter in place (PNG spec, section 9). */
function unfilter(filter: number, row: Buffer, above: Buffer | undefined, bpp: number): void {
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = above ? above[i] : 0;
    const c = above && i >= bpp ? above[i - bpp] : 0;
    const add =
      filter === 0
        ? 0
        : filter === 1
          ? a
          : filter === 2
            ? b
            : filter === 3
              ? (a + b) >> 1
              : filter === 4
                ? paeth(a, b, c)
                : NaN;
    if (Number.isNaN(add)) throw new Error(`unknown PNG filter ${filter}`);
    row[i] = (row[i] + add) & 0xff;
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
