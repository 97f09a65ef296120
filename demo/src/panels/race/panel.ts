// Placeholder: the Optimizer race panel is being built.
import type { Panel } from '../../app/panel.js';
import { note } from '../../ui/controls.js';

export function racePanel(): Panel {
  return {
    id: 'race',
    title: 'Optimizer race',
    mount(root) {
      root.append(note('Coming next.'));
    },
    show() {},
    hide() {},
  };
}
