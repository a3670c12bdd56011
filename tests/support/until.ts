/** One turn of the event loop (real time; virtual clocks move only when a test says). */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Lets promises and streams run until `condition` holds, for at most 500 turns of the event loop. */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}
