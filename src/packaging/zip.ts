import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/** One file of a zip archive: its path inside the archive (forward slashes) and its bytes. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Bit 11: the names are UTF-8. */
const UTF8_NAMES = 0x0800;
const DEFLATE = 8;
const STORED = 0;
/** Zip without its 64-bit extension counts entries and offsets in 16 and 32 bits. */
const MAX_ENTRIES = 0xffff;
const MAX_BYTES = 0xffffffff;

/**
 * Writes a zip archive in memory (deflate, UTF-8 names, no 64-bit extension). Every entry carries
 * the same timestamp, so the same files always give the same bytes.
 * @throws Error for a name that is absolute, climbs out with `..` or repeats, or for an archive
 *   too large for plain zip.
 */
export function zip(entries: readonly ZipEntry[], modified = new Date(Date.UTC(2026, 0, 1))): Buffer {
  if (entries.length > MAX_ENTRIES) throw new Error(`${entries.length} files are more than a zip holds`);
  const { time, date } = dosDateTime(modified);
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(checkedName(entry.name, seen), 'utf8');
    const deflated = deflateRawSync(entry.data, { level: 9 });
    // Deflate can make tiny or already-compressed files (PNGs) larger; those are stored as they are.
    const method = deflated.length < entry.data.length ? DEFLATE : STORED;
    const body = method === DEFLATE ? deflated : entry.data;
    const crc = crc32(entry.data);
    const fields: EntryFields = {
      method,
      time,
      date,
      crc,
      packed: body.length,
      size: entry.data.length,
      name,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    writeEntryFields(local, 4, fields);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4); // made by: MS-DOS, zip 2.0
    writeEntryFields(central, 6, fields);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
    if (offset > MAX_BYTES) throw new Error('the files are larger than a zip without zip64 holds');
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * Reads a zip archive written by {@link zip} (or any plain, unencrypted one), checking every file's
 * CRC.
 * @throws Error when the archive is damaged or uses a feature this reader does not know.
 */
export function unzip(archive: Buffer): ZipEntry[] {
  const endAt = archive.lastIndexOf(uint32(END_OF_CENTRAL_DIRECTORY));
  if (endAt < 0) throw new Error('not a zip archive: no end of central directory');
  const count = archive.readUInt16LE(endAt + 10);
  let at = archive.readUInt32LE(endAt + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error(`damaged central directory at ${at}`);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extra = archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const body = archive.subarray(start, start + size);
    if (method !== STORED && method !== DEFLATE) throw new Error(`${name}: compression ${method} unknown`);
    const data = method === DEFLATE ? inflateRawSync(body) : Buffer.from(body);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    entries.push({ name, data });
    at += 46 + nameLength + extra;
  }
  return entries;
}

/** What the local header and the central directory both say of an entry. */
interface EntryFields {
  method: number;
  time: number;
  date: number;
  crc: number;
  /** Bytes in the archive. */
  packed: number;
  /** Bytes once extracted. */
  size: number;
  name: Buffer;
}

/** The fields both headers share, in the same order, from version-needed to the name's length. */
function writeEntryFields(header: Buffer, at: number, f: EntryFields): void {
  header.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(f.method, at + 4);
  header.writeUInt16LE(f.time, at + 6);
  header.writeUInt16LE(f.date, at + 8);
  header.writeUInt32LE(f.crc, at + 10);
  header.writeUInt32LE(f.packed, at + 14);
  header.writeUInt32LE(f.size, at + 18);
  header.writeUInt16LE(f.name.length, at + 22);
}

function checkedName(name: string, seen: Set<string>): string {
  const parts = name.split('/');
  if (!name || name.startsWith('/') || name.includes('\\') || parts.some((p) => p === '..' || p === '')) {
    throw new Error(`"${name}" is not a relative path inside the archive`);
  }
  if (seen.has(name)) throw new Error(`"${name}" is in the archive twice`);
  seen.add(name);
  return name;
}

/** MS-DOS time and date fields (2-second resolution), in UTC so the bytes do not depend on the zone. */
function dosDateTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value, 0);
  return b;
}
