/**
 * HLS playlist rewriting (pure): every URI line and every `URI="..."` attribute (EXT-X-KEY,
 * EXT-X-MAP, EXT-X-MEDIA, EXT-X-I-FRAME-STREAM-INF, EXT-X-PART, EXT-X-PRELOAD-HINT, ...) is
 * resolved against the playlist's own upstream URL and replaced by what `link` returns, so a
 * player only ever talks to this server. Non-http(s) URIs (data:, skd:) are left as they are.
 */

export const PLAYLIST_CONTENT_TYPE = 'application/vnd.apple.mpegurl';

/** Resolve `ref` against `base`; null when it is not an http(s) URL. */
function resolveHttp(ref: string, base: string): string | null {
  try {
    const u = new URL(ref, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function rewritePlaylist(text: string, baseUrl: string, link: (absoluteUrl: string) => string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '') out.push(line);
    else if (trimmed.startsWith('#')) {
      out.push(
        line.replace(/(^|[:,])URI="([^"]*)"/g, (whole, pre: string, ref: string) => {
          const abs = resolveHttp(ref, baseUrl);
          return abs ? `${pre}URI="${link(abs)}"` : whole;
        }),
      );
    } else {
      const abs = resolveHttp(trimmed, baseUrl);
      out.push(abs ? link(abs) : line);
    }
  }
  return out.join('\n');
}

/** Whether an upstream answer is a playlist (variant playlists are rewritten too). */
export function isPlaylist(contentType: string | undefined, url: string, body: Buffer): boolean {
  if (contentType && /mpegurl/i.test(contentType)) return true;
  if (/\.m3u8?$/i.test(new URL(url).pathname)) return true;
  return body
    .subarray(0, 16)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .startsWith('#EXTM3U');
}

/** A file extension worth keeping in our URL (players sniff `.m3u8` / `.ts`), or ''. */
export function extensionOf(url: string): string {
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(new URL(url).pathname);
  return m ? `.${m[1].toLowerCase()}` : '';
}
