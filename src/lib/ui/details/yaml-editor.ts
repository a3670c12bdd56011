/**
 * A read-only CodeMirror 6 editor for YAML: highlighting, line numbers, folding, search (Ctrl/Cmd-F),
 * colours from the app's CSS variables (so it follows the system's light/dark setting), and in-place
 * updates that keep folds and the scroll position. No eval, styles only through style-mod, which
 * the CSP's `style-src 'unsafe-inline'` allows.
 */
import { defaultKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import {
  codeFolding,
  foldGutter,
  foldKeymap,
  HighlightStyle,
  syntaxHighlighting
} from '@codemirror/language';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightSpecialChars,
  keymap,
  lineNumbers
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { lineChanges } from './line-diff';

const highlight = HighlightStyle.define([
  { tag: tags.definition(tags.propertyName), color: 'var(--yaml-key)' },
  { tag: tags.string, color: 'var(--yaml-string)' },
  { tag: tags.special(tags.string), color: 'var(--yaml-meta)' },
  { tag: tags.content, color: 'var(--yaml-value)' },
  { tag: [tags.lineComment, tags.comment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.meta, tags.typeName, tags.labelName, tags.keyword], color: 'var(--yaml-meta)' },
  { tag: tags.separator, color: 'var(--muted)' }
]);

const theme = EditorView.theme({
  '&': { color: 'var(--fg)', backgroundColor: 'var(--bg)', fontSize: '13px', height: '100%' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)'
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent)'
  },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '.cm-searchMatch': { backgroundColor: 'color-mix(in srgb, var(--warn) 35%, transparent)' },
  '.cm-searchMatch-selected': { backgroundColor: 'color-mix(in srgb, var(--warn) 65%, transparent)' },
  '.cm-panels': { backgroundColor: 'var(--surface)', color: 'var(--fg)' },
  '.cm-foldPlaceholder': {
    backgroundColor: 'var(--surface)',
    border: '1px solid var(--border)',
    color: 'var(--muted)'
  }
});

export interface YamlEditor {
  /** Show `text`, changing only the lines that differ. */
  set(text: string): void;
  destroy(): void;
}

export function createYamlEditor(parent: HTMLElement, text: string, label = 'YAML'): YamlEditor {
  // CodeMirror's own dark/light details (search panel, fold markers) follow the system too.
  const dark = new Compartment();
  const media = matchMedia('(prefers-color-scheme: dark)');
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        EditorState.readOnly.of(true),
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-readonly': 'true' }),
        EditorView.lineWrapping,
        lineNumbers(),
        codeFolding(),
        foldGutter(),
        highlightSpecialChars(),
        drawSelection(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        yaml(),
        syntaxHighlighting(highlight),
        theme,
        dark.of(EditorView.darkTheme.of(media.matches)),
        keymap.of([...searchKeymap, ...foldKeymap, ...defaultKeymap])
      ]
    })
  });
  const onScheme = () => view.dispatch({ effects: dark.reconfigure(EditorView.darkTheme.of(media.matches)) });
  media.addEventListener('change', onScheme);

  return {
    set(next) {
      const current = view.state.doc.toString();
      if (current === next) return;
      // Line-level changes map folds and the selection; CodeMirror keeps the lines on screen in place.
      view.dispatch({ changes: lineChanges(current, next) });
    },
    destroy() {
      media.removeEventListener('change', onScheme);
      view.destroy();
    }
  };
}
