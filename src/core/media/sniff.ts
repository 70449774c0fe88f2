/**
 * Content-type detection from magic bytes. Pure: the declared Content-Type of an upload is
 * never trusted; what the bytes say decides whether they are stored as an image.
 */

/** Image types accepted for event snapshots. */
export const ACCEPTED_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']);

const TS_PACKET = 188;

function startsWith(bytes: Uint8Array, sig: ReadonlyArray<number>, offset = 0): boolean {
  if (bytes.length < offset + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[offset + i] !== sig[i]) return false;
  return true;
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const BM = ascii('BM');
const FTYP = ascii('ftyp');
/** Sizes of the BMP DIB headers in use (CORE, INFO, V2, V3, OS/2 v2, V4, V5). */
const BMP_DIB_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/**
 * Detect the media type of `bytes` from its leading bytes, or null when unknown.
 * Recognises image/jpeg, image/png, image/gif, image/webp, image/bmp, video/mp4 (an ISO BMFF
 * `ftyp` box at offset 4) and video/mp2t (the 0x47 sync byte at every 188-byte packet start;
 * at least two packets are required so a lone `G` is not taken for a stream).
 */
export function sniffContentType(bytes: Uint8Array): string | null {
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return 'image/gif';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  if (startsWith(bytes, BM) && bytes.length >= 18) {
    // "BM" alone is two ASCII letters; also require a known DIB header size at offset 14.
    const dib = bytes[14] | (bytes[15] << 8) | (bytes[16] << 16) | (bytes[17] << 24);
    if (BMP_DIB_SIZES.has(dib)) return 'image/bmp';
  }
  if (startsWith(bytes, FTYP, 4)) return 'video/mp4';
  if (isTransportStream(bytes)) return 'video/mp2t';
  return null;
}

function isTransportStream(bytes: Uint8Array): boolean {
  if (bytes.length <= TS_PACKET) return false;
  // Checking the first few packets is enough; the tail of a buffer may be a partial packet.
  const last = Math.min(bytes.length - 1, TS_PACKET * 8);
  for (let off = 0; off <= last; off += TS_PACKET) if (bytes[off] !== 0x47) return false;
  return true;
}

/** Whether a (sniffed) type is an image accepted for snapshots. */
export function isAcceptedImage(type: string | null | undefined): boolean {
  return type != null && ACCEPTED_IMAGE_TYPES.has(type);
}
