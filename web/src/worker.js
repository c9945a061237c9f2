// The page's worker: loads zonesim.wasm once and answers the page's calls
// ({ id, op, args }) with { id, reply }, posting { progress } while a run
// goes on. Runs happen here so that the page stays responsive.
import { instantiate } from './zonesim.js';

let progressed = 0;
const ready = (async () => {
  const response = await fetch(new URL('zonesim.wasm', import.meta.url));
  if (!response.ok) throw new Error(`zonesim.wasm: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  return instantiate(bytes, (trials) => {
    progressed += trials;
    postMessage({ progress: progressed });
  });
})();

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    const zs = await ready;
    if (op === 'run') {
      progressed = 0;
      const started = performance.now();
      const reply = zs.run(...args);
      reply.elapsed_ms = performance.now() - started;
      postMessage({ id, reply });
    } else if (op in zs) {
      postMessage({ id, reply: zs[op](...args) });
    } else {
      postMessage({ id, error: `unknown call ${op}` });
    }
  } catch (e) {
    postMessage({ id, error: String(e && e.message ? e.message : e) });
  }
};
