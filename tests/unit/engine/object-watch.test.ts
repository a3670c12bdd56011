/**
 * ObjectWatch's polling fallback (no watch slot free): it hands the detail view the same object the
 * watch would, without managedFields and without kubectl's last-applied copy, which holds a
 * Secret's values in clear.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ObjectWatch, type ObjectUpdate } from '$lib/engine/object-watch';
import type { ConnectionBudget } from '$lib/watch/budget';
import type { KubeObject } from '$lib/kube/types';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function appliedSecret(): KubeObject {
  const data = { password: Buffer.from('hunter2').toString('base64') };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: 'db',
      namespace: 'shop',
      uid: 'u1',
      resourceVersion: '7',
      creationTimestamp: '2024-01-01T00:00:00Z',
      annotations: {
        team: 'payments',
        [LAST_APPLIED]: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data, metadata: { name: 'db' } })
      },
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'v1',
          time: '2024-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {}
        }
      ]
    },
    data
  };
}

/** A budget with no slot to give: the watch falls back to polling. */
const noSlots = { request: () => undefined, release: () => {} } as unknown as ConnectionBudget;

let watch: ObjectWatch | undefined;
afterEach(() => watch?.stop());

describe('ObjectWatch polling fallback', () => {
  it('strips the last-applied copy and managedFields, as the watch path does', async () => {
    const updates: ObjectUpdate[] = [];
    const paths: string[] = [];
    watch = new ObjectWatch({
      ref: {
        cluster: 'c',
        resource: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
        namespace: 'shop',
        name: 'db'
      },
      connection: {
        origin: 'http://127.0.0.1:8001',
        transport: () => ({
          fetch: async (path: string) => {
            paths.push(path);
            return new Response(JSON.stringify(appliedSecret()), { status: 200 });
          }
        })
      },
      budget: noSlots,
      post: (u) => updates.push(u),
      pollMs: 60_000
    });
    watch.start();
    await expect.poll(() => updates.length).toBeGreaterThan(0);
    expect(paths[0]).toBe('/api/v1/namespaces/shop/secrets/db');
    const { object, state } = updates[0];
    expect(state).toBe('polling');
    expect(object?.metadata.annotations).toEqual({ team: 'payments' });
    expect(object?.metadata.managedFields).toBeUndefined();
    expect(JSON.stringify(object)).not.toContain(LAST_APPLIED);
    // The Secret's own data stays: the page masks it until the user reveals it.
    expect(object?.data).toEqual(appliedSecret().data);
  });
});
