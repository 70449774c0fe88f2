/**
 * The upstream URLs one session's playlists referred to, each behind a token. Only URLs in this
 * table can be fetched through /streams/{id}/r/{token}: the proxy is never an open proxy.
 * Tokens are an HMAC of the URL under the session's secret key (kept in stream_sessions.url_key),
 * so every server instance of a deployment mints the same token for the same URL: an instance that
 * did not rewrite a playlist itself learns its tokens by rewriting the same playlist (relearn.ts).
 * Bounded: a live playlist names new segments every few seconds, so the least recently listed
 * URLs are forgotten first (players only fetch what the current playlist lists).
 */
import { createHmac, randomBytes } from 'node:crypto';

/** A new session secret (base64url, 256 bits). */
export const newUrlKey = (): string => randomBytes(32).toString('base64url');

export class UpstreamUrlTable {
  private readonly byToken = new Map<string, string>();
  private readonly byUrl = new Map<string, string>();
  private key: Buffer;

  constructor(
    private readonly limit = 2000,
    key: string = newUrlKey(),
  ) {
    this.key = Buffer.from(key, 'base64url');
  }

  /** The token of `url` (the same token each time a playlist lists it again, on every instance). */
  tokenFor(url: string): string {
    let token = this.byUrl.get(url);
    if (token) {
      // Refresh recency: Map iteration order is insertion order.
      this.byUrl.delete(url);
      this.byToken.delete(token);
    } else {
      token = createHmac('sha256', this.key).update(url).digest().subarray(0, 12).toString('base64url');
    }
    this.byUrl.set(url, token);
    this.byToken.set(token, url);
    while (this.byToken.size > this.limit) {
      const [oldToken, oldUrl] = this.byToken.entries().next().value as [string, string];
      this.byToken.delete(oldToken);
      this.byUrl.delete(oldUrl);
    }
    return token;
  }

  urlOf(token: string): string | undefined {
    return this.byToken.get(token);
  }

  /** Upstream URLs that look like playlists (variant playlists of a master), newest last. */
  playlists(): string[] {
    return [...this.byUrl.keys()].filter((u) => /\.m3u8?(?:$|\?)/i.test(u));
  }

  get size(): number {
    return this.byToken.size;
  }

  /** A restarted vendor session has new URLs. */
  clear(): void {
    this.byToken.clear();
    this.byUrl.clear();
  }

  /** The session's key as stored (another instance's copy was loaded with it). */
  setKey(key: string): void {
    const k = Buffer.from(key, 'base64url');
    if (k.equals(this.key)) return;
    this.key = k;
    this.clear();
  }
}
