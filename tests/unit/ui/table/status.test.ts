/**
 * What a table says about permissions: a forbidden all-namespaces stream shown from the namespaces
 * the user may list, one with none, and which stream speaks for a namespace view.
 */
import { describe, expect, it } from 'vitest';
import {
  emptyMessage,
  streamNotice,
  viewStreams,
  type MessageContext,
  type Stream
} from '$lib/ui/table/status';
import type { ResourceRef } from '$lib/kube/types';

/** A core namespaced resource. */
const core = (plural: string, kind: string): ResourceRef => ({
  group: '',
  version: 'v1',
  plural,
  kind,
  namespaced: true
});
const SECRETS = core('secrets', 'Secret');
const ALL: MessageContext = {
  noun: 'secrets',
  resourceName: 'secrets',
  namespaced: true,
  namespaces: [],
  apiUrl: undefined
};

function stream(namespace: string, state: Stream['state'], fallbackNamespaces?: string[]): Stream {
  return {
    key: `prod|/v1/secrets|${namespace}||`,
    cluster: 'prod',
    resource: 'secrets',
    scope: namespace || 'all namespaces',
    state,
    transport: 'direct',
    resourceVersion: undefined,
    rows: 0,
    events: 0,
    bytes: 0,
    relists: 0,
    reconnects: 0,
    drops: 0,
    errors: 0,
    lastEventAt: undefined,
    lastError: undefined,
    cacheAgeMs: undefined,
    subscribers: 1,
    eventsPerSecond: 0,
    ...(fallbackNamespaces ? { fallbackNamespaces } : {})
  };
}

const noFilter = { text: '', selector: '', filtered: false };

describe('permission notices', () => {
  it('a forbidden cluster-wide stream shown from the namespaces the user may list says which, and is not parked', () => {
    const s = stream('', 'forbidden', ['data', 'web']);
    expect(streamNotice(s, ALL)).toEqual({
      cluster: 'prod',
      tone: 'warn',
      text: 'You may not list secrets in all namespaces of prod; showing the namespaces you may list: data, web.',
      retry: false
    });
    expect(emptyMessage([s], ALL, noFilter)).toMatchObject({
      text: 'No secrets in all namespaces.',
      tone: 'info'
    });
  });

  it('with no namespace the user may list, it says so and offers a retry', () => {
    const s = stream('', 'forbidden', []);
    expect(streamNotice(s, ALL)).toMatchObject({
      tone: 'bad',
      text: 'You may not list secrets in any namespace of prod. Ask your admin for list/watch on secrets.',
      retry: true
    });
    expect(emptyMessage([s], ALL, noFilter)).toMatchObject({ tone: 'bad', action: 'retry' });
  });

  it('a namespace view is spoken for by its own stream while the all-namespaces one is refused', () => {
    const wide = stream('', 'forbidden', ['web']);
    const web = stream('web', 'live');
    expect(viewStreams([wide, web], SECRETS, ['web'])).toEqual([web]);
    expect(viewStreams([web, wide], SECRETS, ['web'])).toEqual([web]);
    const liveWide = stream('', 'live');
    expect(viewStreams([liveWide, web], SECRETS, ['web'])).toEqual([liveWide]);
    expect(viewStreams([web, liveWide], SECRETS, ['web'])).toEqual([liveWide]);
    expect(viewStreams([wide, web], SECRETS, [])).toEqual([wide]);
  });
});
