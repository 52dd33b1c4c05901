import { useEffect } from 'react';
import { startConnectionSync } from '../api/connection-sync';
import { useConnectionStore } from '../api/use-connection-store';
import { startChatSync } from '../chat/chat-sync';
import { ChatView } from '../chat/chat-view';
import { startClusterStream } from '../cluster/cluster-stream';
import { GpusView } from '../gpus/gpus-view';
import { HostsView } from '../hosts/hosts-view';
import { ModelsView } from '../models/models-view';
import { WorkersView } from '../workers/workers-view';
import { ConnectionBanner } from './connection-banner';
import { FaultBanner } from './fault-banner';
import { Header } from './header';
import { Sidebar } from './sidebar';
import { UnauthorizedScreen } from './unauthorized-screen';
import { useAppStore } from './use-app-store';
import { useShortcuts } from './use-shortcuts';
import type { ViewId } from './views';
import './app.css';

const VIEW_COMPONENTS: Record<ViewId, () => React.JSX.Element> = {
  hosts: HostsView,
  gpus: GpusView,
  models: ModelsView,
  workers: WorkersView,
  chat: ChatView,
};

/** The frame: navigation, header, connection banner, and the view chosen. */
export function App() {
  const status = useConnectionStore((s) => s.status);
  const view = useAppStore((s) => s.view);
  useEffect(() => startConnectionSync(), []);
  useEffect(() => startClusterStream(), []);
  useEffect(() => startChatSync(), []);
  useShortcuts();

  if (status === 'unauthorized') return <UnauthorizedScreen />;
  const View = VIEW_COMPONENTS[view];
  return (
    <div className="app">
      <Sidebar />
      <div className="app-main">
        <Header />
        <ConnectionBanner />
        <FaultBanner />
        <main className="view" data-testid={`view-${view}`}>
          <View />
        </main>
      </div>
    </div>
  );
}
