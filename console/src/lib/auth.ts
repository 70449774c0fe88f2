/**
 * The API key of this browser tab: kept in sessionStorage (gone when the tab closes), sent as
 * `Authorization: Bearer` on HTTP, in graphql-ws `connection_init`, and as `?access_token=` on
 * /media and /streams URLs (an <img> or a video element cannot send headers).
 */
const STORAGE_KEY = 'usa.console.apiKey';

export function getApiKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(STORAGE_KEY, key);
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** A /media or /streams path of this server, with the key as `access_token` when there is one. */
export function withAccessToken(url: string): string {
  const key = getApiKey();
  if (!key) return url;
  return `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(key)}`;
}
