/**
 * A store that fails mid-transaction, for the crash cases of the lifecycle suites: the real
 * database, except that inside a transaction the first statement whose SQL text matches `pattern`
 * throws (as a process dying or the connection dropping between two statements would leave it: the
 * transaction is rolled back). Statements outside transactions pass through.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../../../src/core/db/client.ts';

const dialect = new PgDialect();

export class InjectedStoreFailure extends Error {}

export function failingInTransaction(db: Db, pattern: RegExp): { db: Db; failures: () => number } {
  let failures = 0;
  const bind = <T extends object>(target: T, p: string | symbol) => {
    const v = Reflect.get(target, p);
    return typeof v === 'function' ? v.bind(target) : v;
  };
  const wrapTx = <T extends object>(tx: T): T =>
    new Proxy(tx, {
      get(target, p) {
        if (p !== 'execute') return bind(target, p);
        return async (q: SQL) => {
          if (pattern.test(dialect.sqlToQuery(q).sql)) {
            failures++;
            throw new InjectedStoreFailure(`injected store failure at ${pattern}`);
          }
          return (target as unknown as Db).execute(q);
        };
      },
    });
  const wrapped = new Proxy(db, {
    get(target, p) {
      if (p !== 'transaction') return bind(target, p);
      return (fn: (tx: unknown) => Promise<unknown>, config?: unknown) =>
        (target.transaction as (f: (tx: object) => Promise<unknown>, c?: unknown) => Promise<unknown>)((tx) => fn(wrapTx(tx)), config);
    },
  });
  return { db: wrapped, failures: () => failures };
}
