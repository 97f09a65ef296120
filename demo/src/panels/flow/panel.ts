// Placeholder: the Gradient flow panel is being built.
import type { Panel } from '../../app/panel.js';
import { note } from '../../ui/controls.js';

export function flowPanel(): Panel {
  return {
    id: 'flow',
    title: 'Gradient flow',
    mount(root) {
      root.append(note('Coming next.'));
    },
    show() {},
    hide() {},
  };
}
