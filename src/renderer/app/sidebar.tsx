import { isMac } from '../api/connection';
import { useConnectionStore } from '../api/use-connection-store';
import { LogoMark } from '../ui/icons';
import { useAppStore } from './use-app-store';
import { VIEWS } from './views';

/** The navigation rail: one button per view, the current one marked for screen readers too. */
export function Sidebar() {
  const view = useAppStore((s) => s.view);
  const setView = useAppStore((s) => s.setView);
  const version = useConnectionStore((s) => s.info?.version);
  const mod = isMac() ? '⌘' : 'Ctrl+';

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <LogoMark />
        <span className="brand-name">rbees</span>
      </div>
      <ul className="nav-list">
        {VIEWS.map(({ id, label, Icon }, index) => (
          <li key={id}>
            <button
              type="button"
              className="nav-button"
              aria-current={view === id ? 'page' : undefined}
              onClick={() => setView(id)}
              title={`${label} (${mod}${index + 1})`}
              data-testid={`nav-${id}`}
            >
              <Icon size={18} />
              <span className="nav-label">{label}</span>
              <kbd className="nav-key" aria-hidden="true">
                {mod}
                {index + 1}
              </kbd>
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">{version ? `rbees-orcd ${version}` : 'rbees'}</div>
    </nav>
  );
}
