// One requestAnimationFrame loop for the page. Workers post their latest state as it comes;
// panels keep only the newest and draw it here, once per frame, so a worker training at full
// speed never queues more drawing than the screen can show.
type Draw = () => void;
const draws = new Set<Draw>();
let running = false;

function frame(): void {
  for (const d of draws) {
    try {
      d();
    } catch (err) {
      // One panel's bug must not stop every other panel's drawing.
      console.error(err);
    }
  }
  requestAnimationFrame(frame);
}

/** Calls `draw` on every animation frame until the returned function is called. */
export function onFrame(draw: Draw): () => void {
  draws.add(draw);
  if (!running) {
    running = true;
    requestAnimationFrame(frame);
  }
  return () => draws.delete(draw);
}
