import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { withRelativeShell } from './scripts/relative-shell.js';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A pure SPA: one index.html, no server. kubectl proxy --www has no SPA fallback,
    // so routes live in the URL hash and asset paths are relative to the page (Kit leaves the hash
    // router's shell absolute, hence withRelativeShell). Hash routing allows no page options
    // (ssr, prerender): Kit renders the one index.html shell itself.
    adapter: withRelativeShell(
      adapter({ fallback: undefined, pages: 'build', assets: 'build', strict: true })
    ),
    router: { type: 'hash' },
    paths: { relative: true },
    output: { bundleStrategy: 'single' },
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        // The page itself fetches only config.json; the clusters (any origin, WebSocket watches) are
        // reached from the engine's worker, which a page's policy does not cover (a host's
        // Content-Security-Policy header on the worker script does: see scripts/launch/server.ts).
        'connect-src': ['self'],
        'worker-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['none']
      }
    }
  }
};

export default config;
