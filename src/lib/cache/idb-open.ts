/**
 * Opening an IndexedDB database for a cache, and keeping track of whether the connection is usable.
 * Both caches (snapshots, metrics history) use it, so both survive the same things: no IndexedDB,
 * an open that throws or fails (private mode, corrupt profile), a database at a newer version, an
 * old tab that blocks the upgrade, an open that never answers, another tab upgrading or deleting the
 * database (this connection steps aside instead of blocking it), and the browser closing the
 * connection. Each of these disables the cache (`onDisabled`); a blocked or slow open that succeeds
 * after all enables it again (`onOpen` with `late`).
 */
import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { TimerClock } from '../kube/clock';

export type CacheDisabledReason =
  /** No IndexedDB in this environment (Node, some private modes). */
  | 'unavailable'
  /** `open` threw or failed (private mode, storage disabled, corrupt profile). */
  | 'open-failed'
  /** The database is at a newer version, written by a newer app in another tab. */
  | 'version'
  /** Another tab holds an older version open and does not let go. */
  | 'blocked'
  /** The open neither succeeded nor failed in time. */
  | 'open-timeout'
  /** Another tab upgraded the database; this connection stepped aside. */
  | 'superseded'
  /** The browser closed the connection (storage cleared, disk error). */
  | 'terminated'
  | 'closed';

export type ConnectionState = 'opening' | 'open' | 'disabled' | 'closed';

export interface IdbConnectionOptions {
  /** undefined: no IndexedDB (the connection is disabled as 'unavailable'). */
  factory: IDBFactory | undefined;
  name: string;
  version: number;
  /** Brings the stores up to `version`; a throw aborts the upgrade, so the open fails. */
  upgrade: (db: IDBDatabase, oldVersion: number) => void;
  /** Give up on an open that has not answered after this many ms (callers waiting get none). */
  openTimeoutMs: number;
  clock: TimerClock;
  /** The database is open; `late`: after the connection had been disabled (blocked, timed out). */
  onOpen?: (late: boolean, version: number) => void;
  /** The connection is not usable: `reason` says why, `error` is the cause when there is one. */
  onDisabled?: (reason: CacheDisabledReason, error?: unknown) => void;
  /** The upgrade threw (and was aborted). */
  onUpgradeError?: (error: unknown) => void;
}

/** One cache's connection to its database, opened at construction. */
export class IdbConnection<Schema extends DBSchema> {
  private currentState: ConnectionState = 'opening';
  private reason?: CacheDisabledReason;
  private db?: IDBPDatabase<Schema>;
  private raw?: IDBDatabase;
  private opened!: Promise<IDBPDatabase<Schema> | undefined>;

  constructor(private readonly options: IdbConnectionOptions) {
    this.open();
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Why the connection is not usable; undefined while it is (or is still opening). */
  get disabledReason(): CacheDisabledReason | undefined {
    return this.reason;
  }

  /** Resolves once the open has succeeded (the database), failed or been given up on (undefined). */
  ready(): Promise<IDBPDatabase<Schema> | undefined> {
    return this.opened;
  }

  /** The database when it is usable; waits for an open in progress. */
  async connection(): Promise<IDBPDatabase<Schema> | undefined> {
    if (this.currentState === 'open' && this.db) return this.db;
    if (this.currentState !== 'opening') return undefined;
    return this.opened;
  }

  /** Closes the connection for good; it then answers as disabled ('closed'), without `onDisabled`. */
  close(): void {
    this.currentState = 'closed';
    this.reason = 'closed';
    this.raw?.close();
    this.raw = undefined;
    this.db = undefined;
  }

  private open(): void {
    const { factory, clock } = this.options;
    let settle!: (db: IDBPDatabase<Schema> | undefined) => void;
    this.opened = new Promise((resolve) => (settle = resolve));
    if (!factory) {
      this.disable('unavailable');
      settle(undefined);
      return;
    }
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(this.options.name, this.options.version);
    } catch (error) {
      this.disable('open-failed', error);
      settle(undefined);
      return;
    }
    const timer = clock.setTimeout(() => {
      if (this.currentState !== 'opening') return;
      this.disable('open-timeout');
      settle(undefined);
    }, this.options.openTimeoutMs);

    request.addEventListener('upgradeneeded', (event) => {
      try {
        this.options.upgrade(request.result, event.oldVersion);
      } catch (error) {
        this.options.onUpgradeError?.(error);
        request.transaction?.abort();
      }
    });
    request.addEventListener('blocked', () => {
      // An old tab keeps the previous version open. Serve as no cache now; if it lets go later,
      // the open completes and the cache comes back.
      clock.clearTimeout(timer);
      if (this.currentState === 'opening') this.disable('blocked');
      settle(undefined);
    });
    request.addEventListener('error', (event) => {
      event.preventDefault();
      clock.clearTimeout(timer);
      const error = request.error;
      if (this.currentState !== 'closed') {
        this.disable(error?.name === 'VersionError' ? 'version' : 'open-failed', error);
      }
      settle(undefined);
    });
    request.addEventListener('success', () => {
      clock.clearTimeout(timer);
      const raw = request.result;
      if (this.currentState === 'closed') {
        raw.close();
        settle(undefined);
        return;
      }
      raw.addEventListener('versionchange', () => {
        // Another tab wants a newer version (or to delete the database): step aside instead of
        // blocking it, and work as no cache from here on.
        raw.close();
        this.forget(raw);
        if (this.currentState !== 'closed') this.disable('superseded');
      });
      raw.addEventListener('close', () => {
        this.forget(raw);
        if (this.currentState !== 'closed') this.disable('terminated');
      });
      let db: IDBPDatabase<Schema>;
      try {
        db = wrap(raw) as unknown as IDBPDatabase<Schema>;
      } catch (error) {
        raw.close();
        this.disable('open-failed', error);
        settle(undefined);
        return;
      }
      const late = this.currentState === 'disabled';
      this.db = db;
      this.raw = raw;
      this.currentState = 'open';
      this.reason = undefined;
      this.options.onOpen?.(late, raw.version);
      settle(db);
    });
  }

  private forget(raw: IDBDatabase): void {
    if (this.raw !== raw) return;
    this.raw = undefined;
    this.db = undefined;
  }

  private disable(reason: CacheDisabledReason, error?: unknown): void {
    this.currentState = 'disabled';
    this.reason = reason;
    this.options.onDisabled?.(reason, error);
  }
}

/** `Name: message` of an error (or a DOMException-like object), for reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)) {
    const e = error as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' ? e.name : 'Error';
    return typeof e.message === 'string' && e.message !== '' ? `${name}: ${e.message}` : name;
  }
  return String(error);
}
