/** A PNG's width and height in pixels, from its IHDR chunk. */
export interface PngSize {
  width: number;
  height: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads the size of a PNG image.
 * @throws Error when the bytes are not a PNG.
 */
export function pngSize(bytes: Buffer): PngSize {
  if (
    bytes.length < 24 ||
    !bytes.subarray(0, 8).equals(SIGNATURE) ||
    bytes.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    throw new Error('not a PNG image');
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
