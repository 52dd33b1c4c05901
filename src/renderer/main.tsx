// The theme first: the features' own CSS comes after it and builds on its variables.
import './styles/theme.css';
import './styles/controls.css';
import './styles/pages.css';
import './styles/tables.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConnection } from './api/connection';
import { App } from './app/app';
import { GpusHarness } from './gpus/gpus-harness';
import { UploadHarness } from './models/upload/upload-harness';
import { LogsHarness } from './workers/logs/logs-harness';

// The connection first: it takes `#token=…` out of the address bar before anything renders, and
// in Electron it is asked for over IPC, so everything below waits for it.
void loadConnection().then(render);

function render(): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  // Test harnesses for the Playwright visual checks (e2e/*-harness.spec.ts): one feature's
  // components on fixed data, picked by the address's hash (read after the token left it).
  const HARNESSES: Record<string, () => React.JSX.Element> = {
    '#gpus-harness': GpusHarness,
  };
  // `#upload-harness=<host>` carries a parameter, so it is matched by prefix (e2e/upload.spec.ts).
  const uploadHarness = location.hash.startsWith('#upload-harness=') ? UploadHarness : undefined;
  // `#logs-harness=<host>/<worker>`: the worker log viewer alone until the Workers view mounts
  // it (e2e/log-viewer.spec.ts).
  const logsHarness = location.hash.startsWith('#logs-harness=') ? LogsHarness : undefined;
  const Root = uploadHarness ?? logsHarness ?? HARNESSES[location.hash] ?? App;

  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}
