/**
 * The read verbs of SimCluster: paged lists that stay consistent at the first page's resourceVersion,
 * and watches (from now, from a resourceVersion, or as a streaming list with `sendInitialEvents`),
 * with label, field and name selectors.
 */
import {
  type KubeObject,
  type ListOptions,
  type ListResult,
  type ResourceType,
  type WatchEvent,
  type WatchHandle,
  type WatchOptions
} from '../../kube/types';
import { apiVersionOf, storageKey } from '../resources';
import { parseFieldSelector, parseLabelSelector, type Predicate } from '../selectors';
import { continueExpired, watchListForbidden, watchListNeedsBookmarks } from './errors';
import { decodeToken, encodeToken, lowerBound, parseRv, upperBound } from './paging';
import { ClusterStore } from './store';
import type { Snapshot } from './types';
import { present } from './versions';
import { deliver, type Watcher } from './watchers';

export class ClusterReads extends ClusterStore {
  list(rt: ResourceType, opts: ListOptions = {}): ListResult {
    this.checkNamespace(rt, opts.namespace, false);
    const matches = this.predicate(rt, opts);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    let snap: Snapshot;
    let after = '';
    if (opts.continue) {
      const token = decodeToken(opts.continue);
      if (this.clock.now() - token.at > this.options.continueTtlMs || token.rv < this.compactedRv) {
        throw continueExpired();
      }
      snap = this.snapshotAt(rt, token.rv);
      after = token.after;
    } else {
      const rv = parseRv(opts.resourceVersion);
      if (rv !== undefined && rv > this.rv) throw this.tooLarge(rv);
      snap =
        opts.resourceVersionMatch === 'Exact' && rv !== undefined
          ? this.snapshotAt(rt, rv)
          : this.snapshotAt(rt, this.rv);
    }
    const prefix = rt.namespaced && opts.namespace !== undefined ? `${opts.namespace}/` : '';
    const keys = snap.keys;
    let i = after ? upperBound(keys, after) : prefix ? lowerBound(keys, prefix) : 0;
    const items: KubeObject[] = [];
    let last = '';
    for (; i < keys.length; i++) {
      const k = keys[i];
      if (prefix && !k.startsWith(prefix)) break;
      const o = snap.objects.get(k)!;
      if (!matches(o)) continue;
      if (limit !== undefined && items.length === limit) break;
      items.push(present(rt, o));
      last = k;
    }
    const result: ListResult = { items, resourceVersion: String(snap.rv) };
    if (limit === undefined) return result;
    // Count what is left only when the answer is cheap and reported (no selectors), as the server does.
    const counted = !opts.labelSelector && !opts.fieldSelector;
    let remaining = 0;
    for (let j = i; j < keys.length && (!prefix || keys[j].startsWith(prefix)); j++) {
      if (counted && !prefix) {
        remaining = keys.length - j;
        break;
      }
      if (matches(snap.objects.get(keys[j])!)) {
        remaining++;
        if (!counted) break;
      }
    }
    if (remaining > 0) {
      result.continue = encodeToken({ rv: snap.rv, after: last, at: this.clock.now() });
      if (counted) result.remainingItemCount = remaining;
    }
    return result;
  }

  private predicate(
    rt: ResourceType,
    opts: { labelSelector?: string; fieldSelector?: string; name?: string }
  ): Predicate {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, rt.kind);
    const name = opts.name;
    return (o) => (name === undefined || o.metadata.name === name) && labels(o) && fields(present(rt, o));
  }

  watch(rt: ResourceType, opts: WatchOptions, onEvent: (e: WatchEvent) => void): WatchHandle {
    this.checkNamespace(rt, opts.namespace, false);
    const base = this.predicate(rt, opts);
    const ns = rt.namespaced ? opts.namespace : undefined;
    const matches: Predicate = ns === undefined ? base : (o) => o.metadata.namespace === ns && base(o);
    const watcher: Watcher = { rt, matches, onEvent };
    const key = storageKey(rt);
    const rv = parseRv(opts.resourceVersion);

    if (opts.sendInitialEvents) {
      if (!this.options.watchList) throw watchListForbidden();
      if (opts.resourceVersionMatch !== 'NotOlderThan' || !opts.allowWatchBookmarks) {
        throw watchListNeedsBookmarks();
      }
      if (rv !== undefined && rv > this.rv) throw this.tooLarge(rv);
      for (const o of this.bucket(rt).values())
        if (matches(o)) onEvent({ type: 'ADDED', object: present(rt, o) });
      onEvent({ type: 'BOOKMARK', object: this.bookmark(rt, { 'k8s.io/initial-events-end': 'true' }) });
    } else if (rv === undefined) {
      // No resourceVersion, or "0": the current state as synthetic ADDED events, then changes.
      for (const o of this.bucket(rt).values())
        if (matches(o)) onEvent({ type: 'ADDED', object: present(rt, o) });
    } else {
      if (rv > this.rv) throw this.tooLarge(rv);
      if (rv < this.compactedRv) {
        onEvent({ type: 'ERROR', object: this.expired(rv).toStatus() as unknown as KubeObject });
        return { stop() {} };
      }
      for (const h of this.changesAfter(key, rv)) deliver(watcher, h);
    }
    return { stop: this.fanout.add(key, watcher) };
  }

  /** A BOOKMARK object for a watch of `rt`: the current resourceVersion, nothing else. */
  bookmark(rt: ResourceType, annotations?: Record<string, string>): KubeObject {
    return {
      kind: rt.kind,
      apiVersion: apiVersionOf(rt),
      metadata: {
        resourceVersion: this.resourceVersion(),
        ...(annotations ? { annotations } : {})
      } as KubeObject['metadata']
    };
  }
}
