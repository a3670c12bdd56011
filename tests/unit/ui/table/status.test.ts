/**
 * What a table says about permissions: a forbidden all-namespaces stream shown from the namespaces
 * the user may list, and one with none. (Which streams feed a view is the engine's to say: see
 * tests/integration/access.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { emptyMessage, streamNotice, type MessageContext, type Stream } from '$lib/ui/table/status';

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
    scope: namespace || 'all namespaces',
    state,
    rows: 0,
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
});
