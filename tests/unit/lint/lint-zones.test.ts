/**
 * The layer rules of eslint.config.js refuse a crossing: a lower layer importing a higher one (also
 * type-only, also through `$lib/`), Svelte below the stores, the simulator reaching past `kube`, the
 * UI reaching the simulator. Imports that follow the flow, and relative imports inside a layer's own
 * subfolders, pass. Runs the project's real ESLint configuration on small sources; `npm run lint`
 * applies the same rules to the whole tree.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** The messages of the layer rule for `code` as if it were the file at `path`. */
async function crossings(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: path });
  const layerRules = new Set(['no-restricted-imports', 'no-restricted-syntax']);
  return result.messages.filter((m) => m.ruleId && layerRules.has(m.ruleId)).map((m) => m.message);
}

describe('layer zones', () => {
  it.each([
    ['src/lib/watch/x.ts', "import type { Engine } from '../engine/engine';"],
    ['src/lib/watch/x.ts', "import { kindById } from '$lib/kinds/catalog';"],
    ['src/lib/view/x.ts', "import type { KindDef } from '../kinds/types';"],
    ['src/lib/view/x.ts', "import { writable } from 'svelte/store';"],
    ['src/lib/kube/x.ts', "import type { Row } from '../watch/row';"],
    ['src/lib/kinds/x.ts', "import { engine } from '../client/engine';"],
    ['src/lib/metrics/x.ts', "import type { ColumnDef } from '../kinds/types';"],
    ['src/lib/engine/x.ts', "import { clusterState } from '../ui/clusters.svelte';"],
    ['src/lib/engine/x.ts', "import { page } from '$app/state';"],
    ['src/lib/engine/x.ts', "import { createDemoClusters } from '../sim/demo';"],
    ['src/lib/sim/objects/x.ts', "import type { Row } from '../../watch/row';"],
    ['src/lib/store/x.ts', "import Notice from '../ui/Notice.svelte';"],
    ['src/lib/ui/table/x.ts', "import { SimWorld } from '$lib/sim/world';"],
    ['src/lib/ui/table/x.ts', "import { SimWorld } from '../../sim/world';"],
    ['src/routes/x/page.ts', "import { createDemoClusters } from '../../lib/sim/demo';"],
    ['src/workers/x.ts', "import { engine } from '$lib/client/engine';"],
    ['src/lib/watch/x.ts', "export { Engine } from '../engine/engine';"],
    ['src/lib/watch/x.ts', "const load = () => import('../engine/engine');"],
    ['src/lib/watch/x.ts', "type E = import('../engine/engine').Engine;"],
    ['src/lib/engine/x.ts', "import { env } from '$env/dynamic/public';"]
  ])('%s refuses %s', async (path, code) => {
    expect(await crossings(path, code)).toHaveLength(1);
  });

  it.each([
    ['src/lib/watch/x.ts', "import type { ResourceRef } from '../kube/types';"],
    ['src/lib/engine/x.ts', "import { View } from '../view/view';"],
    ['src/lib/engine/x.ts', "import { project } from '$lib/kinds/projection';"],
    ['src/lib/store/x.ts', "import { readable } from 'svelte/store';"],
    ['src/lib/sim/cluster/x.ts', "import { parseRv } from '../paging';"],
    ['src/lib/sim/http/x.ts', "import { readLog } from '../logs';"],
    ['src/lib/ui/table/x.ts', "import { engine } from '$lib/client/engine';"],
    ['src/lib/engine/x.ts', "const load = () => import('../kinds/catalog');"],
    ['src/workers/x.ts', "import { Engine } from '$lib/engine/engine';"]
  ])('%s allows %s', async (path, code) => {
    expect(await crossings(path, code)).toEqual([]);
  });
});
