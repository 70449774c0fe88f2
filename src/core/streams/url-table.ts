/**
 * The upstream URLs one session's playlists referred to, each behind a random token. Only URLs in
 * this table can be fetched through /streams/{id}/r/{token}: the proxy is never an open proxy.
 * Bounded: a live playlist names new segments every few seconds, so the least recently listed
 * URLs are forgotten first (players only fetch what the current playlist lists).
 */
import { randomBytes } from 'node:crypto';

export class UpstreamUrlTable {
  private readonly byToken = new Map<string, string>();
  private readonly byUrl = new Map<string, string>();

  constructor(private readonly limit = 2000) {}

  /** The token of `url` (the same token each time a playlist lists it again). */
  tokenFor(url: string): string {
    let token = this.byUrl.get(url);
    if (token) {
      // Refresh recency: Map iteration order is insertion order.
      this.byUrl.delete(url);
      this.byToken.delete(token);
    } else {
      token = randomBytes(12).toString('base64url');
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

  get size(): number {
    return this.byToken.size;
  }

  /** A restarted vendor session has new URLs. */
  clear(): void {
    this.byToken.clear();
    this.byUrl.clear();
  }
}
