/**
 * A tiny POSIX ustar writer: the 512-byte header of a regular file, the padding after its bytes and
 * the end-of-archive marker. Pure. Enough for an export (names ≤ 100 bytes, files < 8 GiB), and
 * opened by every tar (GNU tar, bsdtar, 7-Zip, Windows 10+ `tar`, macOS Archive Utility). Written
 * here because no archive library is installed and the format is a page of spec; zip would need
 * CRC-32 and a central directory for no gain (images are compressed already).
 */
const BLOCK = 512;

function field(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, length, 'utf8');
}

/** An octal number field: `length - 1` digits, zero padded, then NUL. */
function octal(buf: Buffer, offset: number, length: number, n: number): void {
  const s = Math.floor(n).toString(8);
  if (s.length > length - 1) throw new Error(`tar: ${n} does not fit a ${length}-byte field`);
  field(buf, offset, length, `${s.padStart(length - 1, '0')}\0`);
}

/** The header block of a regular file `name` (≤ 100 bytes, '/' separated) of `size` bytes. */
export function tarHeader(name: string, size: number, mtime: Date): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name longer than 100 bytes: ${name}`);
  const h = Buffer.alloc(BLOCK, 0);
  field(h, 0, 100, name);
  octal(h, 100, 8, 0o644); // mode
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, Math.floor(mtime.getTime() / 1000));
  field(h, 148, 8, '        '); // checksum counted as spaces
  field(h, 156, 1, '0'); // regular file
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** Zero bytes that complete the last block of a `size`-byte file. */
export function tarPadding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/** The end of an archive: two zero blocks. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * BLOCK, 0);
}
