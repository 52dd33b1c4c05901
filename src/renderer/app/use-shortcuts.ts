import { useEffect } from 'react';
import { chatDriver } from '../chat/chat-driver';
import { selectStreaming, useChatStore } from '../chat/use-chat-store';
import { useHostsStore } from '../hosts/use-hosts-store';
import { useAppStore } from './use-app-store';
import { VIEWS } from './views';

/**
 * App-wide keys: Ctrl/⌘+1…5 switch views, Ctrl/⌘+Shift+H adds a host, Esc stops the reply being
 * generated. (Ctrl/⌘+Enter belongs to the composer.) A browser keeps Ctrl+1…9 for its tabs; the Electron window gets them.
 */
export function useShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      if (
        (event.ctrlKey || event.metaKey) &&
        event.shiftKey &&
        !event.altKey &&
        event.key.toLowerCase() === 'h'
      ) {
        event.preventDefault(); // Ctrl/⌘+Shift+H: Add host, from any view
        useAppStore.getState().setView('hosts');
        useHostsStore.getState().openAdd();
        return;
      }
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
        const view = VIEWS[Number(event.key) - 1];
        if (/^[1-9]$/.test(event.key) && view) {
          event.preventDefault();
          useAppStore.getState().setView(view.id);
        }
        return;
      }
      if (event.key === 'Escape' && selectStreaming(useChatStore.getState())) {
        event.preventDefault();
        chatDriver.stop();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
