// Placeholder: the Loss surfaces panel is being built.
import type { Panel } from '../../app/panel.js';
import { note } from '../../ui/controls.js';

export function surfacesPanel(): Panel {
  return {
    id: 'surfaces',
    title: 'Loss surfaces',
    mount(root) {
      root.append(note('Coming next.'));
    },
    show() {},
    hide() {},
  };
}
