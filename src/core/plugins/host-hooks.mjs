/**
 * Node module hooks (registered by host-package.ts when plugins are loaded): every import of the
 * server's own package name (`unified-surveillance-api/sdk`, …) from anywhere — a plugin in
 * node_modules, a plugin file outside the project — is answered with THIS server's files, so a
 * plugin always gets the SDK of the server that loads it (one module instance, one AppError class).
 * Plain JavaScript: it runs on the loader thread, before any TypeScript hook.
 */
let name = '';
/** Subpath ('.', './sdk', …) → file URL. */
let exportsMap = {};

export function initialize(data) {
  name = data.name;
  exportsMap = data.exports;
}

export async function resolve(specifier, context, nextResolve) {
  if (name && (specifier === name || specifier.startsWith(`${name}/`))) {
    const target = exportsMap[`.${specifier.slice(name.length)}`];
    if (target) return nextResolve(target, context);
  }
  return nextResolve(specifier, context);
}
