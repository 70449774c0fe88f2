/** The table of adapter-owned routes: /adapters/{type}/{instanceId}/{path}. */
import type { RouteHandler } from './types.ts';

export class AdapterRoutes {
  private readonly table = new Map<string, RouteHandler>();

  private key(method: string, type: string, instance: string, path: string): string {
    return `${method} /adapters/${type}/${instance}${path}`;
  }

  add(method: string, type: string, instance: string, path: string, handler: RouteHandler): void {
    if (!path.startsWith('/')) throw new Error(`route path must start with "/": ${path}`);
    const k = this.key(method, type, instance, path);
    if (this.table.has(k)) throw new Error(`route ${k} is already mounted`);
    this.table.set(k, handler);
  }

  removeInstance(type: string, instance: string): void {
    const prefix = `/adapters/${type}/${instance}/`;
    for (const k of [...this.table.keys()]) if (k.slice(k.indexOf(' ') + 1).startsWith(prefix)) this.table.delete(k);
  }

  find(method: string, pathname: string): RouteHandler | undefined {
    return this.table.get(`${method} ${pathname}`);
  }

  /** True when some method is mounted on the path (for 405 vs 404). */
  hasPath(pathname: string): boolean {
    for (const k of this.table.keys()) if (k.endsWith(` ${pathname}`)) return true;
    return false;
  }
}
