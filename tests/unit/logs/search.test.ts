/**
 * Search and targets of the log view: matches are found in any case and drawn as runs that keep
 * the line's ANSI styles; a workload's selector becomes a label selector; containers are offered
 * as the pod runs them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '$lib/kube/types';
import { parseAnsi } from '$lib/logs/ansi';
import { lineRuns, matchRanges, matcher } from '$lib/logs/search';
import { containersOf, defaultContainer, selectorString } from '$lib/logs/targets';
import { readSettings, settingsQuery, sinceLabel } from '$lib/ui/logs/settings';

describe('search', () => {
  it('finds every match in any case, special characters as themselves', () => {
    expect(matchRanges('Error: error (x) ERROR', matcher('error'))).toEqual([
      [0, 5],
      [7, 12],
      [17, 22]
    ]);
    expect(matchRanges('a (x) b', matcher('(x)'))).toEqual([[2, 5]]);
    expect(matchRanges('anything', matcher(''))).toEqual([]);
  });

  it('cuts styled segments where matches start and end', () => {
    const { text, segments } = parseAnsi('\x1b[32minfo\x1b[39m: GET /api 200');
    expect(lineRuns(text, segments, matchRanges(text, matcher('o: g')))).toEqual([
      { text: 'inf', fg: 2 },
      { text: 'o', fg: 2, match: true },
      { text: ': G', match: true },
      { text: 'ET /api 200' }
    ]);
  });

  it('draws exactly the text, marking exactly the matched characters', () => {
    const styled = fc.array(
      fc.record({
        text: fc.string({ minLength: 1, maxLength: 8 }),
        fg: fc.option(fc.nat(15), { nil: undefined })
      }),
      { maxLength: 6 }
    );
    fc.assert(
      fc.property(styled, fc.string({ minLength: 1, maxLength: 3 }), (segs, query) => {
        const text = segs.map((s) => s.text).join('');
        const ranges = matchRanges(text, matcher(query));
        const runs = lineRuns(text, segs.length ? segs : undefined, ranges);
        expect(runs.map((r) => r.text).join('')).toBe(text);
        let pos = 0;
        for (const run of runs) {
          expect(run.text.length).toBeGreaterThan(0);
          const inside = ranges.some(([s, e]) => pos >= s && pos < e);
          expect(!!run.match).toBe(inside);
          pos += run.text.length;
        }
      })
    );
  });
});

describe('targets', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'web', uid: 'u', resourceVersion: '1', creationTimestamp: '' },
    spec: {
      initContainers: [{ name: 'migrate' }],
      containers: [{ name: 'app' }, { name: 'sidecar' }],
      ephemeralContainers: [{ name: 'debugger' }]
    }
  } as unknown as KubeObject;

  it('lists init, regular and ephemeral containers and picks the default as kubectl does', () => {
    expect(containersOf(pod)).toEqual([
      { name: 'migrate', kind: 'init' },
      { name: 'app', kind: 'container' },
      { name: 'sidecar', kind: 'container' },
      { name: 'debugger', kind: 'ephemeral' }
    ]);
    expect(defaultContainer(pod)).toBe('app');
    const annotated = {
      ...pod,
      metadata: { ...pod.metadata, annotations: { 'kubectl.kubernetes.io/default-container': 'sidecar' } }
    };
    expect(defaultContainer(annotated)).toBe('sidecar');
  });

  it('reads a workload template and writes its selector as a label selector', () => {
    const deployment = {
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [
            { key: 'tier', operator: 'In', values: ['a', 'b'] },
            { key: 'canary', operator: 'DoesNotExist' }
          ]
        },
        template: { spec: { containers: [{ name: 'nginx' }] } }
      }
    } as unknown as KubeObject;
    expect(containersOf(deployment)).toEqual([{ name: 'nginx', kind: 'container' }]);
    expect(selectorString(deployment.spec!.selector)).toBe('app=web,tier in (a,b),!canary');
    expect(selectorString({ app: 'legacy' })).toBe('app=legacy');
    expect(selectorString({})).toBeUndefined();
    expect(selectorString({ matchLabels: {} })).toBeUndefined();
  });
});

describe('settings in the URL', () => {
  it('reads what a link asks for, defaults for the rest, and writes back only what differs', () => {
    const s = readSettings(new URLSearchParams('container=app&tail=50&since=600&previous=1&q=err&wrap=1'));
    expect(s).toEqual({
      container: 'app',
      tail: 50,
      since: 600,
      previous: true,
      timestamps: false,
      query: 'err',
      wrap: true,
      follow: true
    });
    expect(sinceLabel(600)).toBe('10m');
    expect(settingsQuery(s)).toEqual({
      container: 'app',
      tail: 50,
      since: 600,
      previous: true,
      timestamps: false,
      q: 'err',
      wrap: true,
      follow: undefined
    });
    expect(readSettings(new URLSearchParams('tail=-3&since=soon&follow=0'))).toMatchObject({
      tail: 500,
      since: 'all',
      follow: false
    });
    expect(settingsQuery(readSettings(new URLSearchParams('tail=all')))).toMatchObject({ tail: 'all' });
  });
});
