// The zonesim WebAssembly module behind a small JS interface: text in, JSON
// out, through the module's linear memory (see web/wasm/src/lib.rs). Used by
// the page's worker and by the tests under node.

const TOML = 0;
const JSON_FORMAT = 1;

/** The scenario format code of a file name: 0 TOML, 1 JSON. */
export function formatOf(name) {
  return /\.json$/i.test(name) ? JSON_FORMAT : TOML;
}

/**
 * Instantiates the module from its bytes. `onProgress(trials)` is called
 * after each batch of trials of a run.
 */
export async function instantiate(bytes, onProgress = () => {}) {
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: { zs_progress: (trials) => onProgress(trials) },
  });
  const x = instance.exports;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const readReply = (len) => {
    const ptr = x.zs_reply_ptr();
    const bytes = new Uint8Array(x.memory.buffer, ptr, len);
    return JSON.parse(decoder.decode(bytes));
  };
  // Copies `text` into a fresh buffer of the module (the call that reads
  // it frees it): [pointer, length].
  const buffer = (text) => {
    const bytes = encoder.encode(text);
    const ptr = x.zs_alloc(bytes.length);
    if (bytes.length > 0) new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  };
  const call = (fn, text, ...rest) => readReply(fn(...buffer(text), ...rest));

  return {
    /** The eu-hubs catalogue and the default study. */
    catalogue: () => readReply(x.zs_catalogue()),
    /** The catalogue as a runnable TOML scenario file. */
    catalogueToml: () => readReply(x.zs_catalogue_toml()),
    /** A scenario file read for the page; messages name the file `name`. */
    load: (text, name) => readReply(x.zs_load(...buffer(name), ...buffer(text), formatOf(name))),
    /** A JSON scenario as TOML text. */
    toToml: (jsonText) => call(x.zs_to_toml, jsonText),
    /** Runs a scenario: the result JSON, the CLI's table, rows, CCDF. */
    run: (text, format) => call(x.zs_run, text, format),
  };
}
