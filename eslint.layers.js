/**
 * The layers of src/lib (ARCHITECTURE.md, "Layers, enforced") as ESLint zones: each folder imports
 * only from the layers below it. `kube` ← `watch` ← `view`, `cache` ← `metrics` ← `kinds` ← `logs` ←
 * `engine` ← `config`, `client`, `workers` ← `store` ← `ui`, `routes`. The simulator (`sim`) and link
 * building (`nav`) stand beside them and import only `kube`. Type-only imports, `export … from`,
 * dynamic `import()` and `import('…')` types all count: a type that three layers share belongs at
 * the bottom. A folder of src/lib without a rule here fails the lint, so a new layer is placed on
 * purpose. Tested by tests/unit/lint/lint-zones.test.ts.
 */
import { readdirSync } from 'node:fs';

const BELOW = {
  kube: [],
  nav: ['kube'],
  sim: ['kube'],
  watch: ['kube'],
  view: ['kube', 'watch'],
  cache: ['kube', 'watch'],
  metrics: ['kube', 'watch', 'view', 'cache'],
  kinds: ['kube', 'watch', 'view', 'cache', 'metrics'],
  logs: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds'],
  engine: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds', 'logs'],
  config: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds', 'logs', 'engine', 'nav'],
  client: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds', 'logs', 'engine', 'config', 'nav'],
  store: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds', 'logs', 'engine', 'config', 'client', 'nav']
};
/** Layers that may use Svelte: the stores (adapters) and everything above them. */
const SVELTE_LAYERS = new Set(['store', 'ui']);
/** Everything except the simulator and the worker: the UI reaches the engine through `client`. */
const UI_MAY_NOT = ['sim'];

const folders = readdirSync(new URL('./src/lib/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const unplaced = folders.filter((f) => !(f in BELOW) && f !== 'ui');
if (unplaced.length)
  throw new Error(`eslint.layers.js: place src/lib/${unplaced.join(', src/lib/')} in a layer (BELOW)`);

const DEPTHS = [1, 2, 3, 4];
/** Relative imports reach src/lib's folders after exactly `depth` `../` from a file `depth` folders down. */
const toFolders = (names, depth) => `^(?:(?:\\.\\./){${depth}}|\\$lib/)(?:${names.join('|')})(?:/|$)`;
const WORKER = '^(?:\\.{1,2}/|\\$lib/)(?:\\.\\./)*(?:\\.\\./workers|workers)/';
const SVELTE = '^(?:svelte(?:/|$)|\\$app/|\\$env/|\\$service-worker$)';

/** One zone: `no-restricted-imports` for static imports, `no-restricted-syntax` for the dynamic kinds. */
function zone(files, rules) {
  const patterns = rules.map(({ regex, message }) => ({ regex, message }));
  const syntax = rules.flatMap(({ regex, message }) => {
    // esquery reads a regex literal up to its next '/': spell each '/' as \x2F.
    const literal = regex.replaceAll('/', '\\x2F');
    return [
      { selector: `ImportExpression[source.value=/${literal}/]`, message },
      { selector: `TSImportType[argument.literal.value=/${literal}/]`, message }
    ];
  });
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': ['error', ...syntax]
    }
  };
}

const libZones = Object.entries(BELOW).flatMap(([layer, may]) =>
  DEPTHS.map((depth) => {
    const banned = [...folders, 'ui'].filter((f) => f !== layer && !may.includes(f));
    const rules = [
      {
        regex: toFolders([...new Set(banned)], depth),
        message: `${layer} may import only ${[layer, ...may].join(', ')} (layers: eslint.layers.js, ARCHITECTURE.md).`
      },
      { regex: WORKER, message: `${layer} may not import the worker: it is an entry point, not a library.` }
    ];
    if (!SVELTE_LAYERS.has(layer))
      rules.push({
        regex: SVELTE,
        message: `${layer} is plain TypeScript: no Svelte or SvelteKit below the stores.`
      });
    return zone([`src/lib/${layer}/${'*/'.repeat(depth - 1)}*.ts`], rules);
  })
);

const uiMessage =
  'The UI reaches the engine through src/lib/client, never the simulator or the worker directly.';
const uiZones = [
  ...DEPTHS.map((depth) =>
    zone(
      [`src/lib/ui/${'*/'.repeat(depth - 1)}*.{ts,svelte}`],
      [
        { regex: toFolders(UI_MAY_NOT, depth), message: uiMessage },
        { regex: WORKER, message: uiMessage }
      ]
    )
  ),
  zone(
    ['src/routes/**/*.{ts,svelte}'],
    [
      { regex: `^(?:\\$lib/|(?:\\.\\./)+lib/)(?:${UI_MAY_NOT.join('|')})/`, message: uiMessage },
      { regex: WORKER, message: uiMessage }
    ]
  )
];

/** The worker builds the engine (and the demo clusters); it never reaches up into the page's layers. */
const workerZone = zone(
  ['src/workers/**/*.ts'],
  [
    {
      regex: '^(?:\\$lib/|(?:\\.\\./)+lib/)(?:ui|store|client|config|nav)(?:/|$)',
      message:
        'The worker runs the engine; the page layers (client, config, store, nav, ui) are not its to import.'
    },
    { regex: SVELTE, message: 'The worker is plain TypeScript: no Svelte or SvelteKit.' }
  ]
);

export const layerZones = [...libZones, ...uiZones, workerZone];
