/**
 * What the reflectors of one cluster learned about its API server, shared by all of them: whether
 * it serves the streaming list. One reflector's 422 spares every other stream of that cluster the
 * same refused request.
 */

/** Per cluster (keyed by cluster name or origin): what its API server was found to support. */
export class ServerCapabilities {
  private readonly watchList = new Map<string, boolean>();

  /** undefined until tried. */
  supportsWatchList(cluster: string): boolean | undefined {
    return this.watchList.get(cluster);
  }

  setWatchList(cluster: string, supported: boolean): void {
    this.watchList.set(cluster, supported);
  }
}

/** The capabilities shared by reflectors that are given none. */
export const serverCapabilities = new ServerCapabilities();
