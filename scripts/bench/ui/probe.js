/**
 * Installed in every benchmark page before its own scripts (page.addInitScript): records long
 * tasks (the browser's own measure: main-thread tasks over 50 ms) and, while `recording`, the gap
 * between animation frames. Plain JS, so it runs as is in the page.
 */
(() => {
  const probe = { longTasks: [], frameGaps: [], recording: false, error: '' };
  window.__uiProbe = probe;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    probe.error = String(e);
  }
  let last = 0;
  const frame = (time) => {
    if (probe.recording) {
      if (last) probe.frameGaps.push(time - last);
      last = time;
    } else last = 0;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
