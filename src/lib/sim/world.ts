/**
 * A running simulated cluster: the API model filled with a seeded world, its controllers and churn
 * on a timer, and the HTTP handler in front. Demo mode, the MSW handlers and the Node server all
 * start one of these, so they serve the same cluster behaviour.
 */
import { Churn } from './churn';
import { SimCluster } from './cluster';
import { Controllers } from './controllers';
import { Faults } from './faults';
import { createApiHandler, type ApiHandler, type ApiHandlerOptions } from './http';
import { populate } from './populate';
import type { Clock } from '../kube/clock';

export interface SimWorldOptions {
  name: string;
  seed?: number;
  pods?: number;
  /** Changes per second made by the churn generator (0 = idle). */
  churn?: number;
  /** The user every request is made as, and what it may do. */
  user?: { name: string; role: 'admin' | 'viewer' };
  /** Serve the streaming list; false answers 422 like servers without WatchList. */
  watchList?: boolean;
  historyLimit?: number;
  /** See SimClusterOptions.firstResourceVersion. */
  firstResourceVersion?: number;
  clock?: Clock;
  /** Interval of the controller and churn timer. */
  tickMs?: number;
  http?: Omit<ApiHandlerOptions, 'faults'>;
}

export class SimWorld {
  readonly cluster: SimCluster;
  readonly controllers: Controllers;
  readonly churn: Churn;
  readonly faults = new Faults();
  readonly handler: ApiHandler;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly options: SimWorldOptions) {
    const seed = options.seed ?? 1;
    this.cluster = new SimCluster({
      name: options.name,
      seed,
      clock: options.clock,
      watchList: options.watchList ?? true,
      historyLimit: options.historyLimit,
      firstResourceVersion: options.firstResourceVersion,
      user: options.user?.name ?? 'admin'
    });
    populate(this.cluster, { seed, pods: options.pods ?? 200, user: options.user });
    this.controllers = new Controllers(this.cluster);
    this.churn = new Churn(this.cluster, { seed: seed + 1, rate: options.churn ?? 0 });
    this.handler = this.handlerAt('');
  }

  /** The API handler for requests whose paths start with `prefix` (e.g. `/k8s` behind a proxy). */
  handlerAt(prefix: string): ApiHandler {
    return createApiHandler(this.cluster, { ...this.options.http, prefix, faults: this.faults });
  }

  /** Advance controllers and churn by `dtMs` of simulated time (tests call this directly). */
  step(dtMs: number): void {
    this.churn.step(dtMs);
    this.controllers.tick(dtMs);
  }

  start(): this {
    if (this.timer) return this;
    const tick = this.options.tickMs ?? 100;
    this.timer = setInterval(() => this.step(tick), tick);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.faults.clear();
  }
}
