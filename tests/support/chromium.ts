/**
 * The Chromium every browser test and benchmark runs: Debian's package (Playwright cannot download
 * its own browser here), with no GPU, no sandbox (root in CI) and no background traffic.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync'
];
