/**
 * Several server instances: a player may fetch a playlist through one instance and its segments
 * through another. Tokens are the same on every instance (keyed by the session's url_key), but an
 * instance only knows those of playlists it rewrote itself. On an unknown token it rewrites the
 * session's playlists once more (the master, then the variant playlists it names) to learn them.
 * At most once per `everyMs` per session and at most `maxPlaylists` fetches, so unknown tokens
 * cannot make the proxy hammer the vendor.
 */
import { isPlaylist, rewritePlaylist } from './playlist.ts';
import type { Session } from './session.ts';

/** An upstream playlist's text and final content type; null when it could not be read. */
export type FetchPlaylist = (url: string) => Promise<{ text: string; contentType: string | undefined; body: Buffer } | null>;

export async function relearnTokens(s: Session, fetchPlaylist: FetchPlaylist, options: { everyMs?: number; maxPlaylists?: number } = {}): Promise<void> {
  const now = Date.now();
  if (!s.vendor || now - s.relearnedAt < (options.everyMs ?? 1000)) return;
  s.relearnedAt = now;
  const queue = [s.vendor.playlistUrl];
  const seen = new Set<string>();
  while (queue.length && seen.size < (options.maxPlaylists ?? 8)) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const r = await fetchPlaylist(url);
    if (!r || !isPlaylist(r.contentType, url, r.body)) continue;
    const master = /^#EXT-X-(STREAM-INF|MEDIA):/m.test(r.text);
    rewritePlaylist(r.text, url, (abs) => {
      if (master) queue.push(abs); // a master playlist names variant playlists (and renditions)
      return s.urls.tokenFor(abs);
    });
  }
}
