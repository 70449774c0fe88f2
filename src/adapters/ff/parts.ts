/**
 * Which multipart part is the event JSON and which are images, trusting neither part names nor
 * content types alone (as FF's own receiver does). Pure.
 */
import { badInput, tooLarge, type MediaInput, type MediaRole, type MultipartPart } from '../../sdk.ts';
import { ffRoleFromFilename } from './map.ts';

const isJsonPart = (p: MultipartPart) =>
  p.name === 'event' || /\.json$/i.test(p.filename ?? '') || /json/i.test(p.contentType ?? '') || (!p.isFile && p.data.subarray(0, 64).toString('utf8').trimStart().startsWith('{'));

const looksBinaryImage = (p: MultipartPart) => /\.(jpe?g|png|bmp|gif|webp)$/i.test(p.filename ?? '') || /^image\//i.test(p.contentType ?? '') || /^image\d*$/i.test(p.name) || p.isFile;

export function splitFfParts(parts: MultipartPart[], maxJsonBytes: number): { json: unknown; images: MediaInput[] } {
  const jsonPart = parts.find((p) => p.name === 'event') ?? parts.find(isJsonPart);
  if (!jsonPart) throw badInput('event: no JSON part found (expected a part named "event", a .json file or an application/json part)');
  if (jsonPart.data.byteLength > maxJsonBytes) throw tooLarge(`part "${jsonPart.name}": JSON exceeds ${maxJsonBytes} bytes`);
  let json: unknown;
  const text = jsonPart.data.toString('utf8');
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badInput(`part "${jsonPart.name}": invalid JSON: ${(e as Error).message}`);
  }
  const imageParts = parts.filter((p) => p !== jsonPart && looksBinaryImage(p) && p.data.byteLength > 0);
  const roles = imageRoles(imageParts);
  return { json, images: imageParts.map((p, i) => ({ role: roles[i], data: p.data, contentType: p.contentType })) };
}

/** By file name (lp/plate → plate crop, roi/vehicle → vehicle), else: with two images the second is the plate crop. */
function imageRoles(parts: MultipartPart[]): MediaRole[] {
  return parts.map((p, i) => {
    const byName = ffRoleFromFilename(p.filename ?? '') ?? ffRoleFromFilename(p.name);
    if (byName) return byName;
    if (parts.length === 2) return i === 1 ? 'PLATE_CROP' : 'VEHICLE';
    return 'SNAPSHOT';
  });
}
