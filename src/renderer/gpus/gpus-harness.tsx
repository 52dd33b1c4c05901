import { ViewHeader } from '../ui/view-header';
import { HARNESS_HOSTS, HARNESS_NOW, HARNESS_PLACEHOLDERS } from './harness-data';
import { HostGpus } from './host-gpus';

/**
 * Test harness only (`#gpus-harness`): the GPU components on fixed data, outside the app frame,
 * for e2e/gpus-harness.spec.ts to check and photograph without GPUs or SSH hosts.
 */
export function GpusHarness() {
  return (
    <div className="page" data-testid="gpus-harness">
      <ViewHeader title="GPUs" subtitle="Memory, load and temperature of every GPU in the pool." />
      {[...HARNESS_HOSTS, ...HARNESS_PLACEHOLDERS].map((host) => (
        <HostGpus key={host.info.name} host={host} now={HARNESS_NOW} />
      ))}
    </div>
  );
}
