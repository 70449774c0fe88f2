/**
 * Print the schema (core + built-in adapters) as SDL: `npm run schema:print`.
 * `--write` updates the committed schema.graphql (a test fails when it drifts).
 */
import { writeFileSync } from 'node:fs';
import { builtInAdapters } from '../adapters/index.ts';
import { buildSchema, printSchemaSDL } from './build.ts';

const sdl = printSchemaSDL(buildSchema(builtInAdapters));
if (process.argv.includes('--write')) {
  writeFileSync(new URL('../../schema.graphql', import.meta.url), sdl);
  process.stderr.write('schema.graphql written\n');
} else {
  process.stdout.write(sdl);
}
