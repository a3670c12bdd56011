/** QuotaExceededError on demand in fake-indexeddb, in each of the three ways browsers report it. */

/**
 * 'commit' failures: the rows put succeeds and marks its transaction; the metadata put that follows
 * (the last request) succeeds too, and then the transaction aborts with QuotaExceededError, as a
 * commit that runs out of space does.
 */
const doomed = new WeakSet<object>();
function abortAfter(request: IDBRequest, tx: { _abort(errorName: string): void }): IDBRequest {
  request.addEventListener('success', () => tx._abort('QuotaExceededError'));
  return request;
}

export type QuotaMode = 'sync' | 'async' | 'commit';
/**
 * Makes `put` on the rows store fail with QuotaExceededError: thrown synchronously, as a failed
 * request that aborts the transaction, or (as Chromium often does) as an abort of the transaction
 * at commit after every request succeeded.
 */
export function injectQuota(decide: () => QuotaMode | false): () => void {
  const proto = IDBObjectStore.prototype as IDBObjectStore & {
    transaction: {
      _execRequestAsync(req: { operation: () => unknown; source: unknown }): IDBRequest;
      _abort(errorName: string): void;
    };
  };
  const original = proto.put;
  proto.put = function (this: typeof proto, value: unknown, key?: IDBValidKey) {
    if (doomed.has(this.transaction)) return abortAfter(original.call(this, value, key), this.transaction);
    const mode = this.name === 'rows' ? decide() : false;
    if (mode === 'commit') {
      doomed.add(this.transaction);
      return original.call(this, value, key);
    }
    if (mode === 'sync') throw new DOMException('quota (sync)', 'QuotaExceededError');
    if (mode === 'async') {
      return this.transaction._execRequestAsync({
        operation: () => {
          throw new DOMException('quota (async)', 'QuotaExceededError');
        },
        source: this
      });
    }
    return original.call(this, value, key);
  } as typeof original;
  return () => {
    proto.put = original;
  };
}
