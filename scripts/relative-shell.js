/**
 * Makes the app shell's asset URLs relative, so one build works at any path prefix.
 *
 * With `router.type: 'hash'` Kit renders index.html as an SPA fallback page, and fallback pages
 * use absolute `/_app/...` URLs even with `paths.relative: true` (sveltejs/kit#13858, #9569).
 * Rewriting them changes the inline bootstrap script, so its CSP hash is recomputed too.
 * Plain JavaScript because svelte.config.js imports it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

/** @param {string} content */
function cspHash(content) {
  return `'sha256-${createHash('sha256').update(content).digest('base64')}'`;
}

/**
 * @param {string} html
 * @param {string} appDir Kit's `appDir`, normally `_app`
 * @returns {string}
 */
export function relativeShell(html, appDir) {
  const absolute = new RegExp(`(href="|src="|import\\(")/${appDir}/`, 'g');
  let out = html;
  for (const [, script] of html.matchAll(INLINE_SCRIPT)) {
    const rewritten = script.replace(absolute, `$1./${appDir}/`);
    out = out.replace(script, rewritten).replace(cspHash(script), cspHash(rewritten));
  }
  return out.replace(absolute, `$1./${appDir}/`);
}

/**
 * Wraps an adapter: rewrites the prerendered shell before the adapter copies it, so that both
 * `vite preview` and the adapter's output serve the relative version.
 * @param {import('@sveltejs/kit').Adapter} adapter
 * @returns {import('@sveltejs/kit').Adapter}
 */
export function withRelativeShell(adapter) {
  return {
    name: `${adapter.name} (relative shell)`,
    async adapt(builder) {
      // Where Kit keeps prerendered pages; builder.writePrerendered copies from here.
      const pages = join(builder.config.kit.outDir, 'output', 'prerendered', 'pages');
      for (const { file } of builder.prerendered.pages.values()) {
        const path = join(pages, file);
        writeFileSync(path, relativeShell(readFileSync(path, 'utf8'), builder.config.kit.appDir));
      }
      await adapter.adapt(builder);
    }
  };
}
