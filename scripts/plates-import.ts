/**
 * `npm run plates:import -- --list <name> [--create ALLOW|DENY|WATCH] [--max-distance N]
 *   [--url http://localhost:4000/graphql] [--key $API_KEY] [--skip-invalid] file.csv`
 *
 * Loads a CSV of plates (scripts/lib/plate-csv.ts: header plate,label,validFrom,validTo) into a plate
 * list through the public GraphQL API: the list by name (created with --create when absent), then
 * addPlates with up to 10,000 entries per call (fewer when a call would pass 1 MB, the server's
 * default limits.maxBodyBytes; --max-request-bytes to match another limit). Every row is checked
 * first; a rejected row is reported with its line number and, unless --skip-invalid, nothing is sent
 * and the exit code is 1. Files up to MAX_CSV_BYTES (64 MB) and MAX_CSV_ROWS (1,000,000 rows).
 * Exit codes: 0 done, 1 rows rejected (here or by the server), 2 usage or a fatal error.
 * The key comes from --key or the API_KEY environment variable (scope admin).
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { apiEntry, chunkEntries, MAX_CSV_BYTES, parsePlateCsv, type CsvEntry } from './lib/plate-csv.ts';

const USAGE =
  'usage: npm run plates:import -- --list <name> [--create ALLOW|DENY|WATCH] [--max-distance N] [--url http://localhost:4000/graphql] [--key $API_KEY] [--skip-invalid] [--max-request-bytes N] file.csv';

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> };

class Fatal extends Error {}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        list: { type: 'string' },
        create: { type: 'string' },
        'max-distance': { type: 'string' },
        url: { type: 'string', default: 'http://localhost:4000/graphql' },
        key: { type: 'string' },
        'skip-invalid': { type: 'boolean', default: false },
        'max-request-bytes': { type: 'string', default: '1000000' },
        help: { type: 'boolean', default: false },
      },
    });
  try {
    args = parse();
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const o = args.values;
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const file = args.positionals[0];
  if (!o.list || !file || args.positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const kind = o.create?.toUpperCase();
  if (kind !== undefined && !['ALLOW', 'DENY', 'WATCH'].includes(kind)) throw new Fatal(`--create: expected ALLOW, DENY or WATCH, got ${o.create}`);
  const maxDistance = o['max-distance'] === undefined ? undefined : Number(o['max-distance']);
  if (maxDistance !== undefined && (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 3)) throw new Fatal(`--max-distance: expected 0..3, got ${o['max-distance']}`);
  if (maxDistance !== undefined && kind === undefined) throw new Fatal('--max-distance applies to a list created here: give --create too');
  const maxBytes = Number(o['max-request-bytes']);
  if (!Number.isInteger(maxBytes) || maxBytes < 10_000) throw new Fatal(`--max-request-bytes: expected an integer ≥ 10000, got ${o['max-request-bytes']}`);
  const key = o.key ?? process.env.API_KEY;

  const size = (await stat(file)).size;
  if (size > MAX_CSV_BYTES) throw new Fatal(`${file}: ${size} bytes, at most ${MAX_CSV_BYTES} per file (split it)`);
  const parsed = parsePlateCsv(await readFile(file, 'utf8'));
  if (parsed.fatal) throw new Fatal(`${file}:${parsed.fatal.line}: ${parsed.fatal.message}`);
  for (const p of parsed.problems) console.error(`${file}:${p.line}: ${p.message}`);
  if (parsed.problems.length && !o['skip-invalid']) {
    console.error(`${parsed.problems.length} of ${parsed.rows} rows rejected; nothing imported (--skip-invalid imports the others)`);
    return 1;
  }

  const gql = async (query: string, variables: Record<string, unknown>): Promise<Gql> => {
    const res = await fetch(o.url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    try {
      return JSON.parse(text) as Gql;
    } catch {
      throw new Fatal(`${o.url}: HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
  };
  const failed = (r: Gql, what: string) => {
    if (r.errors?.length) throw new Fatal(`${what}: ${r.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ')}`);
  };

  const lists = await gql('{ plateLists { id name kind maxDistance size } }', {});
  failed(lists, 'plateLists');
  let list = (lists.data.plateLists as Array<{ id: string; name: string; kind: string; maxDistance: number; size: number }>).find((l) => l.name === o.list);
  if (!list) {
    if (!kind) throw new Fatal(`no plate list named ${JSON.stringify(o.list)}: give --create ALLOW|DENY|WATCH to create it`);
    const created = await gql('mutation($input: CreatePlateListInput!) { createPlateList(input: $input) { id name kind maxDistance size } }', {
      input: { name: o.list, kind, maxDistance },
    });
    failed(created, 'createPlateList');
    list = created.data.createPlateList;
    console.log(`created ${kind} list ${JSON.stringify(o.list)} (maxDistance ${list!.maxDistance})`);
  } else if (kind && (kind !== list.kind || (maxDistance !== undefined && maxDistance !== list.maxDistance)))
    console.error(`note: list ${JSON.stringify(o.list)} exists as ${list.kind} maxDistance ${list.maxDistance}; adding to it as it is`);

  const rejected: Array<{ line: number; message: string }> = [];
  let sent = 0;
  let listSize = list!.size;
  const chunks = chunkEntries(parsed.entries, maxBytes);
  for (const [c, chunk] of chunks.entries()) {
    const r = await gql('mutation($input: AddPlatesInput!) { addPlates(input: $input) { size } }', { input: { listId: list!.id, entries: chunk.map(apiEntry) } });
    if (r.errors?.length) {
      // The server names the entry (input.entries[i]…): report it by its line; the call added nothing.
      for (const e of r.errors) {
        const at = /input\.entries\[(\d+)\]/.exec(e.message);
        const entry: CsvEntry | undefined = at ? chunk[Number(at[1])] : undefined;
        rejected.push({
          line: entry?.line ?? chunk[0].line,
          message: `${e.extensions?.code ?? 'ERROR'}: ${e.message}${entry ? '' : ` (call ${c + 1}: lines ${chunk[0].line}..${chunk[chunk.length - 1].line} not imported)`}`,
        });
      }
      continue;
    }
    sent += chunk.length;
    listSize = r.data.addPlates.size;
    if (chunks.length > 1) console.log(`  ${sent} / ${parsed.entries.length} entries sent`);
  }
  for (const p of rejected) console.error(`${file}:${p.line}: ${p.message}`);
  const skipped = parsed.problems.length;
  console.log(
    `${file}: ${parsed.rows} rows, ${sent} entries imported into ${JSON.stringify(o.list)} in ${chunks.length} call(s), ${skipped} rows skipped as invalid, ${rejected.length} rejected by the server; the list now has ${listSize} entries`,
  );
  return rejected.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Fatal ? e.message : ((e as Error).stack ?? String(e)));
    process.exit(2);
  },
);
