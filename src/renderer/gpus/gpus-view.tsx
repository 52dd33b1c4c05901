import { useAppStore } from '../app/use-app-store';
import { EmptyState } from '../ui/empty-state';
import { GpuIcon } from '../ui/icons';
import { ViewHeader } from '../ui/view-header';

/** GPU monitoring needs the pool agent's probe; until then, say so and point at what works. */
export function GpusView() {
  const setView = useAppStore((s) => s.setView);
  return (
    <div className="page" data-testid="gpus-view">
      <ViewHeader title="GPUs" subtitle="Memory, load and temperature of every GPU in the pool." />
      <EmptyState
        testId="gpus-empty"
        icon={<GpuIcon size={28} />}
        title="GPU monitoring arrives with the pool agent"
        actions={
          <button type="button" className="button primary" onClick={() => setView('chat')}>
            Talk to a model
          </button>
        }
      >
        <p>
          Once each host runs <code>rbees-pool</code>, this page shows every GPU with its free
          memory, utilisation and temperature, and which models it holds.
        </p>
        <p>
          Models already run on this computer today: talk to one in Chat, and see what is loaded
          under Workers.
        </p>
      </EmptyState>
    </div>
  );
}
