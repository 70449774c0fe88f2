/**
 * The example plugin's own tests (conformance kit, signature, payload), run by the repo's suite
 * exactly as the package's `npm test` runs them: they import the server only as
 * `unified-surveillance-api/testkit` and `…/sdk`.
 */
import { ensureHostLink } from './helpers.ts';

ensureHostLink(); // what `npm ci` does (the prepare script); an `npm install <pkg>` since may have pruned it
await import('../../examples/adapter-example/test/signature.test.ts');
await import('../../examples/adapter-example/test/payload.test.ts');
await import('../../examples/adapter-example/test/conformance.test.ts');
