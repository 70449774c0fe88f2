import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GARBAGE_CONTROL, GARBAGE_NUL, GARBAGE_OUTSIDE, GARBAGE_UNTERMINATED, GARBAGE_TRUNCATED, GARBAGE_UNCLOSED, JsonObjectFramer } from '../../../src/adapters/ff/framer.ts';
import type { FramerOutput } from '../../../src/adapters/ff/framer.ts';
import { FF_TOP_LEVEL_KEYS } from '../../../src/adapters/ff/parse.ts';

const fixtureText = (name: string) => readFileSync(new URL(`../../fixtures/ff/${name}`, import.meta.url), 'utf8');

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** String values (JSON.stringify escapes them): braces, quotes, backslashes, multi-byte UTF-8. */
const TRICKY = ['{', '}', '}{', '{"a":1}', 'say "hi"', 'C:\\dir\\', '\\', 'MÜ 漢字 🚗', '"', '\\"}'];

/** The object texts of a test stream: compact, pretty-printed (LF and CRLF), fixtures, tricky strings. */
function objectTexts(count: number, seed = 1): string[] {
  const rnd = prng(seed);
  const fixtures = ['sample-update.json', 'sample-umlaut.json', 'sample-image-array.json'].map(fixtureText);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const o = {
      carID: String(i),
      plateUTF8: ['1AB1234', 'MÜ AB 123', 'ÅÄÖ-42', '京A·12345'][i % 4],
      note: TRICKY[i % TRICKY.length],
      nested: { list: [{ x: i }, { y: '}' }], empty: {} },
      n: Math.floor(rnd() * 1e6),
    };
    switch (i % 5) {
      case 0:
        out.push(JSON.stringify(o));
        break;
      case 1:
        out.push(JSON.stringify(o, null, 2));
        break;
      case 2:
        out.push(JSON.stringify(o, null, '\t').replace(/\n/g, '\r\n'));
        break;
      case 3:
        out.push(fixtures[i % fixtures.length].trim());
        break;
      default:
        out.push(`{ "k" : "\\\\\\"}{\\\\" , "v":[ { } , "}" ] , "i" : ${i} }`);
    }
  }
  return out;
}

const SEPARATORS = ['', '\r\n', '\n', '\0', ' \t\r\n\0\0 '];

function join(texts: string[], sep: string): Buffer {
  return Buffer.from(texts.join(sep) + sep, 'utf8');
}

/** As the FF TCP listener frames: with FF's top-level keys. */
function run(stream: Buffer, sizes: (total: number) => number[], max = 1 << 20): FramerOutput[] {
  const framer = new JsonObjectFramer({ maxObjectBytes: max, topLevelKeys: FF_TOP_LEVEL_KEYS });
  const out: FramerOutput[] = [];
  let pos = 0;
  for (const size of sizes(stream.length)) {
    out.push(...framer.push(stream.subarray(pos, pos + size)));
    pos += size;
  }
  expect(pos).toBeGreaterThanOrEqual(stream.length);
  out.push(...framer.end());
  return out;
}

const whole = (n: number) => [n];
const bytewise = (n: number) => Array.from({ length: n }, () => 1);
const randomSizes = (seed: number, maxSize: number) => (n: number) => {
  const rnd = prng(seed);
  const sizes: number[] = [];
  for (let left = n; left > 0; ) {
    const s = Math.min(left, 1 + Math.floor(rnd() * maxSize));
    sizes.push(s);
    left -= s;
  }
  return sizes;
};
const STRATEGIES: Array<[string, (n: number) => number[]]> = [
  ['whole', whole],
  ['1-byte chunks', bytewise],
  ['random 1..7', randomSizes(7, 7)],
  ['random 1..64', randomSizes(64, 64)],
  ['random 1..4096', randomSizes(4096, 4096)],
  ['random 1..3 seed 99', randomSizes(99, 3)],
];

const texts = (out: FramerOutput[]) => out.map((o) => (o.type === 'object' ? o.text : `<${o.type}>`));

describe('JsonObjectFramer: identical results however the bytes are split', () => {
  const objects = objectTexts(50);

  it('builds a test stream that really contains the tricky cases', () => {
    const all = objects.join('');
    for (const s of ['}{', '\\"', '\\\\', 'Ü', '漢', '🚗', '\r\n', '\n  ']) expect(all).toContain(s);
    for (const t of objects) expect(() => JSON.parse(t)).not.toThrow();
  });

  for (const sep of SEPARATORS) {
    for (const [name, sizes] of STRATEGIES) {
      it(`separator ${JSON.stringify(sep)}, ${name}`, () => {
        const out = run(join(objects, sep), sizes);
        expect(texts(out)).toEqual(objects);
        for (const o of out) if (o.type === 'object') expect(o.bytes).toBe(Buffer.byteLength(o.text));
      });
    }
  }

  it('100 objects in one chunk, separators mixed', () => {
    const many = objectTexts(100, 5);
    const stream = Buffer.from(many.map((t, i) => t + SEPARATORS[i % SEPARATORS.length]).join(''), 'utf8');
    const framer = new JsonObjectFramer({ maxObjectBytes: 1 << 20 });
    const out = framer.push(stream);
    expect(texts(out)).toEqual(many);
    expect(framer.end()).toEqual([]);
  });

  it('every two-chunk split point of a short stream', () => {
    const short = objectTexts(6, 3);
    const stream = join(short, '\n');
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(texts(run(stream, (n) => [cut, n - cut]))).toEqual(short);
    }
  });

  it('decodes a multi-byte character split between chunks', () => {
    const stream = Buffer.from('{"p":"🚗Ü"}', 'utf8');
    const framer = new JsonObjectFramer({ maxObjectBytes: 100 });
    const car = stream.indexOf(0xf0);
    expect(framer.push(stream.subarray(0, car + 2))).toEqual([]);
    expect(framer.push(stream.subarray(car + 2, car + 5))).toEqual([]);
    expect(framer.push(stream.subarray(car + 5))).toEqual([{ type: 'object', text: '{"p":"🚗Ü"}', bytes: stream.length }]);
  });

  it('emits nothing for whitespace/NUL only', () => {
    expect(run(Buffer.from(' \r\n\t\0\0\n'), bytewise)).toEqual([]);
  });
});

describe('JsonObjectFramer: garbage and resynchronisation', () => {
  const sameForAllSplits = (stream: Buffer, max?: number) => {
    const reference = run(stream, whole, max);
    for (const [, sizes] of STRATEGIES) expect(run(stream, sizes, max)).toEqual(reference);
    return reference;
  };

  it('skips garbage before, between and after objects, reporting each run', () => {
    const out = sameForAllSplits(Buffer.from('HTTP/1.1 {"a":1}\r\n]]{"b":"}"}xyz'));
    expect(out).toEqual([
      { type: 'garbage', bytes: 9, reason: GARBAGE_OUTSIDE },
      { type: 'object', text: '{"a":1}', bytes: 7 },
      { type: 'garbage', bytes: 2, reason: GARBAGE_OUTSIDE },
      { type: 'object', text: '{"b":"}"}', bytes: 9 },
      { type: 'garbage', bytes: 3, reason: GARBAGE_OUTSIDE },
    ]);
  });

  it('recovers from a stray "{" at the next object boundary', () => {
    const out = sameForAllSplits(Buffer.from('x{oops {"a":1}\n{"b":2}{"c":3}'));
    expect(out).toEqual([
      { type: 'garbage', bytes: 1, reason: GARBAGE_OUTSIDE },
      // '{oops {"a":1}\n': the object swallowed by the stray brace is lost, the rest recovered.
      { type: 'garbage', bytes: 14, reason: GARBAGE_UNCLOSED },
      { type: 'object', text: '{"b":2}', bytes: 7 },
      { type: 'object', text: '{"c":3}', bytes: 7 },
    ]);
  });

  it('drops an object truncated inside a string when a pretty-printed one follows', () => {
    const next = JSON.stringify({ carID: '13', plate: 'X' }, null, 2);
    const out = sameForAllSplits(Buffer.from(`{"carID":"12","plate":"AB${'\n'}${next}\n{"ok":true}`));
    expect(out).toEqual([
      { type: 'garbage', bytes: 26, reason: GARBAGE_CONTROL },
      { type: 'object', text: next, bytes: next.length },
      { type: 'object', text: '{"ok":true}', bytes: 11 },
    ]);
  });

  it('an unterminated object ({"oops": and a line break) loses only its own bytes: the next object is not swallowed as its value', () => {
    const next = JSON.stringify({ carID: '2', plateUTF8: 'AB1', vehicle_info: { brand: 'Skoda', type: 'car' }, camera_info: { SerialNumber: 'S' } });
    const pretty = JSON.stringify({ packetCounter: '3', carID: '3', geotag: { lat: 1, lon: 2 } }, null, 2);
    const out = sameForAllSplits(Buffer.from(`{"oops": \n${next}\n{"carID":"x", "more": \r\n${pretty}\n{"ok":true}`));
    expect(out).toEqual([
      { type: 'garbage', bytes: 10, reason: GARBAGE_UNTERMINATED },
      { type: 'object', text: next, bytes: next.length },
      { type: 'garbage', bytes: 24, reason: GARBAGE_UNTERMINATED },
      { type: 'object', text: pretty, bytes: pretty.length },
      { type: 'object', text: '{"ok":true}', bytes: 11 },
    ]);
  });

  it('nested objects that do not start with a top-level key stay values; without topLevelKeys nothing changes', () => {
    const ff = JSON.stringify({ carID: '1', vehicle_info: { brand: 'B' }, extra: { note: { carID: 'inner, deeper' } }, ImageArray: [{ ImageType: 'plate' }] });
    expect(texts(sameForAllSplits(Buffer.from(ff)))).toEqual([ff]);
    const plain = new JsonObjectFramer({ maxObjectBytes: 1000 });
    expect(texts([...plain.push(Buffer.from('{"oops": \n{"carID":"2"}\n')), ...plain.end()])).toEqual(['<garbage>']);
  });

  it('a NUL inside an object (outside strings) ends it as garbage; the next object is kept', () => {
    const out = sameForAllSplits(Buffer.from('{"a": 1, \0{"b":2}\0{"carID":"3"}'));
    expect(out).toEqual([
      { type: 'garbage', bytes: 10, reason: GARBAGE_NUL },
      { type: 'object', text: '{"b":2}', bytes: 7 },
      { type: 'object', text: '{"carID":"3"}', bytes: 13 },
    ]);
  });

  it('a never-closing object cannot swallow the stream: the size cap resyncs it', () => {
    const good = Array.from({ length: 10 }, (_, i) => `{"n":${i}}`);
    const out = sameForAllSplits(Buffer.from(`{"a":"tru${good.join('')}`), 40);
    // The string state is inverted by the missing quote; the cap ends it, `}{` resyncs it.
    expect(out).toEqual([{ type: 'oversize', bytes: 44 }, ...good.slice(5).map((text) => ({ type: 'object', text, bytes: 7 }))]);
  });
});

describe('JsonObjectFramer: size cap', () => {
  const big = JSON.stringify({ pad: 'x{'.repeat(100), q: '\\"}' });

  it('skips an oversized object and reports its exact size', () => {
    const stream = Buffer.from(`{"a":1}\n${big}\n{"b":2}`);
    for (const [, sizes] of STRATEGIES) {
      expect(run(stream, sizes, 100)).toEqual([
        { type: 'object', text: '{"a":1}', bytes: 7 },
        { type: 'oversize', bytes: big.length },
        { type: 'object', text: '{"b":2}', bytes: 7 },
      ]);
    }
  });

  it('accepts an object of exactly maxObjectBytes and rejects one byte more', () => {
    const exact = Buffer.from(big);
    expect(run(exact, bytewise, big.length)).toEqual([{ type: 'object', text: big, bytes: big.length }]);
    expect(run(exact, bytewise, big.length - 1)).toEqual([{ type: 'oversize', bytes: big.length }]);
  });

  it('resyncs after an oversized object directly followed by the next one', () => {
    const out = run(Buffer.from(`${big}${big}{"z":0}`), randomSizes(3, 17), 100);
    expect(out).toEqual([
      { type: 'oversize', bytes: big.length },
      { type: 'oversize', bytes: big.length },
      { type: 'object', text: '{"z":0}', bytes: 7 },
    ]);
  });

  it('reports an oversized object cut off by the end of the stream', () => {
    expect(run(Buffer.from(big.slice(0, 150)), whole, 100)).toEqual([{ type: 'oversize', bytes: 150 }]);
  });

  it('rejects a nonsensical cap', () => {
    expect(() => new JsonObjectFramer({ maxObjectBytes: 0 })).toThrow(RangeError);
  });
});

describe('JsonObjectFramer: end of stream', () => {
  it('reports a truncated object as garbage and never emits it', () => {
    const out = run(Buffer.from('{"a":1} {"b":{"c":"}'), randomSizes(1, 5));
    expect(out).toEqual([
      { type: 'object', text: '{"a":1}', bytes: 7 },
      { type: 'garbage', bytes: 12, reason: GARBAGE_TRUNCATED },
    ]);
  });

  it('is clean after a complete stream and reusable after end()', () => {
    const framer = new JsonObjectFramer({ maxObjectBytes: 64 });
    expect(framer.push(Buffer.from('{"a":'))).toEqual([]);
    expect(framer.end()).toEqual([{ type: 'garbage', bytes: 5, reason: GARBAGE_TRUNCATED }]);
    expect(framer.push(Buffer.from('{"b":1}\n'))).toEqual([{ type: 'object', text: '{"b":1}', bytes: 7 }]);
    expect(framer.end()).toEqual([]);
  });
});

describe('JsonObjectFramer: volume', () => {
  // Speed is measured by `npm run bench` (FF TCP ingest against its floor), never asserted here.
  it('frames 20,000 objects of ~1.5 KB pushed in 64 KiB chunks, none lost or merged', () => {
    const one = fixtureText('sample-update.json').trim();
    const count = 20_000;
    const stream = Buffer.from(`${one}\r\n`.repeat(count));
    const framer = new JsonObjectFramer({ maxObjectBytes: 64 * 1024 });
    let objects = 0;
    for (let pos = 0; pos < stream.length; pos += 65536) {
      for (const o of framer.push(stream.subarray(pos, pos + 65536))) if (o.type === 'object') objects++;
    }
    expect(objects).toBe(count);
  });
});
