// The study as a scenario file: numbers kept as typed (so the library, not
// the page, judges them), written as JSON, and carried in the address.

// A number as typed: a JSON number literal goes into the file as it is
// (exact, even for a u64 seed), anything else as a string for the library
// to refuse in its own words; empty means "leave it out".
export class Literal {
  constructor(text) {
    this.text = text;
  }
}
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;
export function num(text) {
  const t = String(text ?? '').trim();
  if (t === '') return undefined;
  return NUMBER.test(t) ? new Literal(t) : t;
}

// JSON text with Literal numbers written as typed: pretty-printed, or on
// one line (`compact`, for the link).
export function toJson(v, indent = '', compact = false) {
  const inner = compact ? '' : indent + '  ';
  const nl = compact ? '' : '\n';
  if (v instanceof Literal) return v.text;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (compact || v.every((x) => x instanceof Literal || typeof x !== 'object')) {
      return '[' + v.map((x) => toJson(x, inner, compact)).join(compact ? ',' : ', ') + ']';
    }
    return '[\n' + v.map((x) => inner + toJson(x, inner)).join(',\n') + '\n' + indent + ']';
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return '{' + nl + entries.map(([k, x]) => inner + JSON.stringify(k) + (compact ? ':' : ': ')
      + toJson(x, inner, compact)).join(',' + nl) + nl + indent + '}';
  }
  return JSON.stringify(v);
}

export function encodeHash(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeHash(hash) {
  const b64 = hash.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}
