// Placeholder: the Learning-rate range test panel is being built.
import type { Panel } from '../../app/panel.js';
import { note } from '../../ui/controls.js';

export function lrRangePanel(): Panel {
  return {
    id: 'lr-range',
    title: 'Learning-rate range test',
    mount(root) {
      root.append(note('Coming next.'));
    },
    show() {},
    hide() {},
  };
}
