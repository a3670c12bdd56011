import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lib/sim/types';
import { podRow, podRowStore, type PodRow } from '../../src/lib/watch/pods';
import { RowFeed, type RowsMessage } from '../../src/lib/watch/rows';

function pod(namespace: string, name: string, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, uid: `${namespace}-${name}`, resourceVersion: '1', creationTimestamp: '' },
    ...extra
  };
}

describe('podRow', () => {
  it('projects the listed fields, summing restarts of init and app containers', () => {
    const row = podRow(
      'prod',
      pod('web', 'api-1', {
        spec: { nodeName: 'node-3' },
        status: {
          phase: 'Running',
          initContainerStatuses: [{ name: 'init', restartCount: 1 }],
          containerStatuses: [
            { name: 'app', restartCount: 4 },
            { name: 'sidecar', restartCount: 2 }
          ]
        }
      })
    );
    expect(row).toEqual({
      key: 'prod/web/api-1',
      cluster: 'prod',
      namespace: 'web',
      name: 'api-1',
      phase: 'Running',
      node: 'node-3',
      restarts: 7
    });
  });

  it('shows a pod that has no status or node yet', () => {
    expect(podRow('dev', pod('default', 'fresh'))).toMatchObject({ phase: 'Unknown', node: '', restarts: 0 });
  });
});

describe('podRowStore', () => {
  it('keeps one cluster’s pods in the feed as rows', () => {
    const feed = new RowFeed<PodRow>();
    const other = podRowStore('other', feed);
    other.replace([pod('ns', 'keep')], '1');
    const store = podRowStore('dev', feed);
    store.replace([pod('ns', 'a'), pod('ns', 'b')], '5');
    store.upsert(pod('ns', 'c'));
    store.remove(pod('ns', 'a'));
    store.replace([pod('ns', 'c')], '9');
    feed.flush();
    let snapshot: RowsMessage<PodRow> | undefined;
    feed.subscribe((m) => (snapshot = m));
    expect(snapshot?.type === 'snapshot' && snapshot.rows.map((r) => r.key).sort()).toEqual([
      'dev/ns/c',
      'other/ns/keep'
    ]);
  });
});
