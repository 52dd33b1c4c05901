// The theme first: the features' own CSS comes after it and builds on its variables.
import './styles/theme.css';
import './styles/controls.css';
import './styles/pages.css';
import './styles/tables.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConnection } from './api/connection';
import { App } from './app/app';

// The connection first: it takes `#token=…` out of the address bar before anything renders, and
// in Electron it is asked for over IPC, so everything below waits for it.
void loadConnection().then(render);

async function render(): Promise<void> {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  // A constant the build sets: false in the shipped app, where the harnesses are left out.
  const harness = __RBEES_HARNESS__
    ? (await import('./harness')).harnessFor(location.hash)
    : undefined;
  const Root = harness ?? App;

  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}
