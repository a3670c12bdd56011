/**
 * The connection budget per origin. Browsers open at most 6 HTTP/1.1 connections per
 * scheme+host+port, shared by every tab and worker of the page's origin, and kubectl proxy speaks
 * HTTP/1.1 only. A chunked watch holds a connection for minutes, so the engine hands out a few
 * watch slots per origin and keeps the rest for ordinary requests (lists, gets, logs, catch-up).
 *
 * WebSocket watches do not count against the limit; where an origin accepts them every informer
 * gets one. Where it does not, informers beyond the slots wait and catch up from their last
 * resourceVersion in turns; informers behind a view on screen take slots from those that are not.
 */
import type { Transport } from './transport';

export type Priority = 'foreground' | 'background';
export type LeaseKind = 'websocket' | 'chunked';
export type WebSocketSupport = 'unknown' | 'works' | 'fails';

export interface Lease {
  readonly id: string;
  readonly origin: string;
  readonly kind: LeaseKind;
  /** Give the slot back (the watch ended or the informer stopped). */
  release(): void;
}

export interface BudgetOptions {
  /** Connections a browser opens per origin (Chromium, Firefox, Safari: 6). */
  connectionsPerOrigin?: number;
  /** Connections kept free for ordinary requests (never given to chunked watches). */
  reservedForRequests?: number;
}

interface Claim {
  id: string;
  origin: string;
  priority: Priority;
  lease?: Lease & { revoked: boolean };
  /** Told when a foreground informer takes this claim's chunked slot. */
  onRevoke: () => void;
}

export interface OriginBudget {
  origin: string;
  webSocket: WebSocketSupport;
  chunkedSlots: number;
  chunkedInUse: number;
  webSockets: number;
  /** Informers without a slot, catching up in turns. */
  waiting: string[];
}

export class ConnectionBudget {
  readonly chunkedSlots: number;
  /** Told when a freed slot goes to a waiting informer. */
  onGranted: (id: string, lease: Lease) => void = () => {};
  private claims = new Map<string, Claim>();
  private webSocket = new Map<string, WebSocketSupport>();
  private turn = new Map<string, number>(); // origin → index of the next catch-up

  constructor(options: BudgetOptions = {}) {
    const connections = options.connectionsPerOrigin ?? 6;
    const reserved = options.reservedForRequests ?? 2;
    // One reserved connection serves lists and gets, the other the rotating catch-ups.
    this.chunkedSlots = Math.max(1, connections - reserved);
  }

  webSocketSupport(origin: string): WebSocketSupport {
    return this.webSocket.get(origin) ?? 'unknown';
  }

  /** Learned from the first WebSocket watch per origin; `fails` sends every later watch over HTTP. */
  setWebSocketSupport(origin: string, support: WebSocketSupport): void {
    this.webSocket.set(origin, support);
  }

  /**
   * Ask for a watch connection. Returns a lease, or undefined when the informer must wait (and
   * catch up in turns). A foreground request may revoke a background informer's chunked slot.
   */
  request(id: string, origin: string, priority: Priority, onRevoke: () => void): Lease | undefined {
    this.release(id);
    const claim: Claim = { id, origin, priority, onRevoke };
    this.claims.set(id, claim);
    return this.grant(claim);
  }

  /** A view came on screen or left it. A promoted informer may take a slot. */
  setPriority(id: string, priority: Priority): Lease | undefined {
    const claim = this.claims.get(id);
    if (!claim || claim.priority === priority) return claim?.lease;
    claim.priority = priority;
    if (!claim.lease) return this.grant(claim);
    // Demoted while a view on screen waits: that one takes a background slot now.
    const fg = this.waiting(claim.origin)
      .map((w) => this.claims.get(w)!)
      .find((c) => c.priority === 'foreground');
    if (priority === 'background' && fg) {
      const lease = this.grant(fg);
      if (lease) this.onGranted(fg.id, lease);
    }
    return claim.lease;
  }

  /** The informer stopped: forget its claim and free its slot. */
  release(id: string): void {
    const claim = this.claims.get(id);
    if (!claim) return;
    this.claims.delete(id);
    claim.lease?.release();
  }

  /** Whose turn it is to catch up on `origin` (round robin over waiting informers, foreground first). */
  nextCatchUp(origin: string): string | undefined {
    const waiting = this.waiting(origin);
    if (waiting.length === 0) return undefined;
    const i = (this.turn.get(origin) ?? 0) % waiting.length;
    this.turn.set(origin, i + 1);
    return waiting[i];
  }

  /** What diagnostics shows per origin. */
  snapshot(): OriginBudget[] {
    const origins = new Set([...this.claims.values()].map((c) => c.origin));
    return [...origins].sort().map((origin) => {
      const leases = this.active(origin);
      return {
        origin,
        webSocket: this.webSocketSupport(origin),
        chunkedSlots: this.chunkedSlots,
        chunkedInUse: leases.filter((c) => c.lease!.kind === 'chunked').length,
        webSockets: leases.filter((c) => c.lease!.kind === 'websocket').length,
        waiting: this.waiting(origin)
      };
    });
  }

  leaseOf(id: string): Lease | undefined {
    return this.claims.get(id)?.lease;
  }

  private active(origin: string): Claim[] {
    return [...this.claims.values()].filter((c) => c.origin === origin && c.lease);
  }

  private waiting(origin: string): string[] {
    const w = [...this.claims.values()].filter((c) => c.origin === origin && !c.lease);
    return [
      ...w.filter((c) => c.priority === 'foreground'),
      ...w.filter((c) => c.priority === 'background')
    ].map((c) => c.id);
  }

  private grant(claim: Claim): Lease | undefined {
    if (this.webSocketSupport(claim.origin) !== 'fails') return this.lease(claim, 'websocket');
    const chunked = this.active(claim.origin).filter((c) => c.lease!.kind === 'chunked');
    if (chunked.length < this.chunkedSlots) return this.lease(claim, 'chunked');
    if (claim.priority !== 'foreground') return undefined;
    const victim = chunked.find((c) => c.priority === 'background');
    if (!victim) return undefined;
    victim.lease!.revoked = true;
    victim.lease = undefined;
    const lease = this.lease(claim, 'chunked');
    victim.onRevoke();
    return lease;
  }

  private lease(claim: Claim, kind: LeaseKind): Lease {
    const lease = {
      id: claim.id,
      origin: claim.origin,
      kind,
      revoked: false,
      release: () => {
        if (lease.revoked) return;
        lease.revoked = true;
        if (claim.lease === lease) {
          claim.lease = undefined;
          // To the back of the queue: a watch that ended lets the others have a turn.
          if (this.claims.get(claim.id) === claim) {
            this.claims.delete(claim.id);
            this.claims.set(claim.id, claim);
          }
        }
        // A freed chunked slot goes to the next waiting informer, foreground first.
        if (kind === 'chunked') this.promoteWaiting(claim.origin);
      }
    };
    claim.lease = lease;
    return lease;
  }

  private promoteWaiting(origin: string) {
    const next = this.waiting(origin)[0];
    const claim = next ? this.claims.get(next) : undefined;
    if (!claim) return;
    const lease = this.grant(claim);
    if (lease) this.onGranted(claim.id, lease);
  }
}

/**
 * How the engine reaches one cluster: the origin whose connection budget it shares, and a
 * transport per kind of connection (a budgeted watch slot, or a direct request).
 */
export interface ClusterConnection {
  /** Budget key: the scheme+host+port requests go to; undefined for the in-browser simulator. */
  origin: string | undefined;
  transport: (kind: LeaseKind | 'direct') => Transport;
}
