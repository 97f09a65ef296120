// The page's whole state lives in the URL hash, so a link reproduces what its sender saw: the
// same controls, the same seed, hence the same run. Each panel registers a store under a short
// prefix with its defaults; only values that differ from the defaults are written
// (`#tab=flow&pg.lr=0.3`). The hash is rewritten with replaceState (no history entry per slider
// move); editing it by hand, or opening a link, applies it through `hashchange`.
export type Value = string | number | boolean;
export type Fields = Record<string, Value>;

export interface Store<T extends Fields> {
  /** The current values (a fresh copy). */
  get(): T;
  /** Changes some values and rewrites the hash; listeners are not called (the caller knows). */
  set(patch: Partial<T>): void;
  /** Called when the hash changes from outside (a pasted link, the back button). */
  onExternalChange(listener: (values: T) => void): void;
}

interface Entry {
  prefix: string;
  defaults: Fields;
  values: Fields;
  listeners: ((values: Fields) => void)[];
}

function parse(raw: string, like: Value): Value | undefined {
  if (typeof like === 'number') {
    const n = Number(raw);
    return raw !== '' && Number.isFinite(n) ? n : undefined;
  }
  if (typeof like === 'boolean') return raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : undefined;
  return raw;
}

function format(v: Value): string {
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

export class HashState {
  private entries = new Map<string, Entry>();
  private writing = false;

  constructor() {
    addEventListener('hashchange', () => {
      if (this.writing) return;
      const params = this.params();
      for (const e of this.entries.values()) {
        e.values = this.read(e, params);
        for (const l of e.listeners) l({ ...e.values });
      }
    });
  }

  /** A store for `prefix` (unique per panel) whose keys and value types are `defaults`'. */
  register<T extends Fields>(prefix: string, defaults: T): Store<T> {
    if (this.entries.has(prefix)) throw new Error(`hash prefix ${prefix} is taken`);
    const entry: Entry = { prefix, defaults, values: {}, listeners: [] };
    entry.values = this.read(entry, this.params());
    this.entries.set(prefix, entry);
    return {
      get: () => ({ ...entry.values }) as T,
      set: (patch) => {
        Object.assign(entry.values, patch);
        this.write();
      },
      onExternalChange: (l) => entry.listeners.push(l as (v: Fields) => void),
    };
  }

  private params(): URLSearchParams {
    return new URLSearchParams(location.hash.replace(/^#/, ''));
  }

  private read(e: Entry, params: URLSearchParams): Fields {
    const out: Fields = { ...e.defaults };
    for (const [k, d] of Object.entries(e.defaults)) {
      const raw = params.get(e.prefix ? `${e.prefix}.${k}` : k);
      const v = raw === null ? undefined : parse(raw, d);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  private write(): void {
    // Start from the hash as it is: keys of panels not mounted yet (a store registers when its
    // panel mounts) must survive the tab store's first write, or an opened link loses them.
    const params = this.params();
    for (const e of this.entries.values()) for (const k of Object.keys(e.defaults)) params.delete(e.prefix ? `${e.prefix}.${k}` : k);
    for (const e of this.entries.values()) {
      for (const [k, v] of Object.entries(e.values)) {
        if (v !== e.defaults[k]) params.set(e.prefix ? `${e.prefix}.${k}` : k, format(v));
      }
    }
    const hash = params.toString();
    const url = `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`;
    this.writing = true;
    history.replaceState(null, '', url);
    this.writing = false;
  }
}
