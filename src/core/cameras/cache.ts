/** Which cameras the store already has (id → name), so ingest writes a camera row only once. */
export class CameraCache {
  private readonly names = new Map<string, string | undefined>();

  /** True when the camera is known and `name` (if given) is what we have. */
  has(id: string, name?: string): boolean {
    if (!this.names.has(id)) return false;
    return name === undefined || this.names.get(id) === name;
  }

  remember(id: string, name?: string): void {
    this.names.set(id, name);
  }

  forget(id: string): void {
    this.names.delete(id);
  }
}
