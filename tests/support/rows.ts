/** A Row for tests: `c1/<namespace>/<name>` with defaults for everything a test does not care about. */
import type { Cell, Row } from '../../src/lib/watch/row';

export function testRow(name: string, cells: Record<string, Cell> = {}, over: Partial<Row> = {}): Row {
  const cluster = over.cluster ?? 'c1';
  const namespace = over.namespace ?? 'ns';
  return {
    key: `${cluster}/${namespace}/${name}`,
    uid: `uid-${name}`,
    cluster,
    namespace,
    name,
    resourceVersion: '1',
    creationTimestamp: '2024-01-01T00:00:00Z',
    labels: {},
    owners: [],
    cells,
    ...over
  };
}
