/**
 * Bounded log lines (src/core/ops/log.ts): what any input reaches a log line as is cut to a few
 * KB, and a failed statement's query and parameters (postgres.js errors carry them) are never logged.
 */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, LOG_MAX_STRING } from '../../src/core/ops/log.ts';

const capture = () => {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
  return { log: createLogger('info', stream), lines };
};
const flush = () => new Promise((r) => setImmediate(r));

describe('bounded logging', () => {
  it('a failed batch error logs its code and message, never its query or parameters', async () => {
    const { log, lines } = capture();
    const payload = 'P'.repeat(12 * 1024 * 1024);
    const err = Object.assign(new Error('index row size 12016 exceeds btree version 4 maximum 2704'), {
      code: '54000',
      query: `insert into events ... ${payload}`,
      parameters: [payload],
      args: [payload],
      cause: Object.assign(new Error('inner'), { parameters: [payload] }),
    });
    log.error({ err, other: { e: err } }, 'event batch write failed');
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBeLessThan(20_000);
    const o = JSON.parse(lines[0]);
    expect(o.err).toMatchObject({ type: 'Error', code: '54000', message: expect.stringContaining('index row size') });
    expect(lines[0]).not.toContain('PPPP');
    expect(lines[0]).not.toMatch(/"(query|parameters|args)"/);
  });

  it("an error keeps its stack and its cause with the cause's stack; a cause that loops is cut", async () => {
    const { log, lines } = capture();
    const err = new Error('redis unreachable', { cause: new Error('connect ECONNREFUSED 127.0.0.1:6379') });
    const loop: Error & { cause?: unknown } = new Error('loops');
    loop.cause = loop;
    log.warn({ err }, 'redis unreachable at start');
    log.warn({ err: loop }, 'a cause that loops');
    await flush();
    const first = JSON.parse(lines[0]);
    expect(first.err).toMatchObject({ type: 'Error', message: 'redis unreachable', stack: expect.stringMatching(/^Error: redis unreachable\n\s+at /) });
    expect(first.err.cause).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379', stack: expect.stringMatching(/\n\s+at /) });
    expect(lines[1].length).toBeLessThan(20_000);
    expect(JSON.parse(lines[1]).err.cause.cause.message).toBe('loops');
  });

  it('long strings, big arrays, deep objects and bytes are cut', async () => {
    const { log, lines } = capture();
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { deep };
    log.info({ plate: 'A'.repeat(10 * 1024 * 1024), list: Array(100_000).fill('x'), deep, bytes: new Uint8Array(5_000_000) }, 'something');
    await flush();
    expect(lines[0].length).toBeLessThan(5_000);
    const o = JSON.parse(lines[0]);
    expect(o.plate).toHaveLength(LOG_MAX_STRING + `…[${10 * 1024 * 1024 - LOG_MAX_STRING} more characters]`.length);
    expect(o.list).toHaveLength(21);
    expect(o.bytes).toBe('<5000000 bytes>');
    expect(o.msg).toBe('something');
  });
});
