// The demo page: tabs over the panels, the URL hash as the state, one aria-live region.
import './styles.css';
import { selectKernels } from 'descent';
import { announce } from './app/announce.js';
import { HashState } from './app/hash-state.js';
import { mountTabs } from './app/tabs.js';
import { playgroundPanel } from './panels/playground/panel.js';
import { flowPanel } from './panels/flow/panel.js';
import { surfacesPanel } from './panels/surfaces/panel.js';
import { racePanel } from './panels/race/panel.js';
import { lrRangePanel } from './panels/lr-range/panel.js';

const state = new HashState();
const panels = [playgroundPanel(), flowPanel(), surfacesPanel(), racePanel(), lrRangePanel()];
const tab = state.register('', { tab: panels[0].id });
mountTabs(panels, tab, { state, announce });
document.getElementById('kernels')!.textContent = `${selectKernels('auto')} WebAssembly (in Workers)`;
