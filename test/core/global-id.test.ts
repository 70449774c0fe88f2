/**
 * The one Relay global id codec (core/util/global-id.ts): the same ids as Pothos makes, the internal
 * id back (ids with ":" or non-ASCII included), BAD_USER_INPUT for anything that is not a global id
 * of the expected type, and camera ids accepted in either form without ambiguity.
 */
import { decodeGlobalID as pothosDecode, encodeGlobalID as pothosEncode } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.ts';
import { cameraIdFrom, decodeGlobalId, encodeGlobalId, parseGlobalId } from '../../src/core/util/global-id.ts';

const IDS = ['ff/default/cam-1', 'vxg/cloud/101', 'ivms:host/a:b/ch 1', 'kamera/Přední/vjezd', '42'];

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('Relay global ids', () => {
  it.each(IDS)('encodes %s as Pothos does, and both decoders give the internal id back', (id) => {
    const global = encodeGlobalId('Camera', id);
    expect(global).toBe(pothosEncode('Camera', id));
    expect(decodeGlobalId(global, 'Camera')).toBe(id);
    expect(pothosDecode(global)).toEqual({ typename: 'Camera', id });
  });

  it('encodes numbers and bigints (event seqs) like their decimal text', () => {
    expect(encodeGlobalId('FfPlateEvent', 12n)).toBe(encodeGlobalId('FfPlateEvent', '12'));
    expect(decodeGlobalId(encodeGlobalId('FfPlateEvent', 7), ['GenericEvent', 'FfPlateEvent'])).toBe('7');
  });

  it('refuses an id of another type with BAD_USER_INPUT naming both types and the field', () => {
    const err = thrown(() => decodeGlobalId(encodeGlobalId('GenericEvent', '5'), 'Camera', 'cameraId'));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.details).toEqual({ field: 'cameraId' });
    expect(err.message).toMatch(/^cameraId: .*an id of GenericEvent, not of Camera/);
  });

  it.each([
    ['an internal id', 'ff/default/cam-1'],
    ['not base64', 'Camera:ff/default/cam-1'],
    ['base64 without a type', Buffer.from('ff/default/cam-1').toString('base64')],
    ['an empty id', Buffer.from('Camera:').toString('base64')],
    ['a type that is no GraphQL name', Buffer.from('1Camera:x').toString('base64')],
    ['empty', ''],
  ])('refuses %s with BAD_USER_INPUT', (_what, id) => {
    expect(parseGlobalId(id)).toBeNull();
    const err = thrown(() => decodeGlobalId(id, 'Camera'));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.details).toBeUndefined();
    expect(err.message).toMatch(/is not a global id of Camera/);
  });

  it('takes a camera id in either form: a Camera global id is decoded, anything else is left as it is', () => {
    for (const id of IDS) {
      expect(cameraIdFrom(encodeGlobalId('Camera', id))).toBe(id);
      expect(cameraIdFrom(id)).toBe(id);
    }
    const eventId = encodeGlobalId('GenericEvent', '5');
    expect(cameraIdFrom(eventId)).toBe(eventId);
  });

  it('is never ambiguous for cameras: every Camera global id starts with "Q", every internal camera id with a lower-case adapter type', () => {
    for (const id of [...IDS, 'a', 'z/x/y', '']) expect(encodeGlobalId('Camera', id)).toMatch(/^Q2FtZXJhO/); // base64 of "Camera:"
    // An internal id that happens to be valid base64 is not mistaken for a global id.
    const base64Looking = 'ffab/cdef/QQ==';
    expect(cameraIdFrom(base64Looking)).toBe(base64Looking);
  });
});
