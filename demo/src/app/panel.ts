// What a panel is to the page: it builds itself into its section once, then is told when it is
// shown or hidden (a hidden panel pauses its worker: nothing trains out of sight).
import type { HashState } from './hash-state.js';

export interface PanelContext {
  state: HashState;
  /** Reads text out through the page's aria-live region. */
  announce(text: string): void;
}

export interface Panel {
  /** Short id: the tab's hash value and the section's id (`panel-<id>`). */
  id: string;
  /** The tab's label. */
  title: string;
  mount(root: HTMLElement, ctx: PanelContext): void;
  show(): void;
  hide(): void;
}
