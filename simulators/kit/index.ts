/** The kit every simulator shares: one seeded PRNG, one image generator, the HTTP plumbing. */
export { createRng, fnv1a, type Rng } from './rng.ts';
export { makeJpeg, makePng, looksLikeJpeg } from './images.ts';
export { listen, httpUrl, closeServer, readBody } from './http.ts';
