import { mount } from 'svelte';
import App from './App.svelte';
import './tabs.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// The built lab keeps working offline after its first load (dist/sw.js, written by the build).
// Not under the dev server: its modules change with every edit.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((e: unknown) => console.warn('PathLab: no offline copy:', e));
}

export default mount(App, { target });
