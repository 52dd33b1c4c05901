import type { PersistStorage, StorageValue } from 'zustand/middleware';

/**
 * localStorage for zustand's `persist`, written at most once per `intervalMs`. While a reply
 * streams the store changes every frame, and `persist` asks to save at each change: writing even
 * the small part this browser keeps (the history is the daemon's) that often is wasted main-thread
 * work. The latest state is kept by reference (it is immutable) and serialized only when written;
 * leaving the page writes it at once, so a reload loses nothing.
 */
export function throttledLocalStorage<S>(intervalMs = 1000): PersistStorage<S> {
  let pending: { name: string; value: StorageValue<S> } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const write = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    const { name, value } = pending;
    pending = undefined;
    try {
      localStorage.setItem(name, JSON.stringify(value));
    } catch (err) {
      // Quota full or storage disabled: the chat still works, it just will not survive a reload.
      console.warn('rbees: could not save the chat history', err);
    }
  };

  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', write);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') write();
    });
  }

  return {
    getItem: (name) => {
      try {
        const raw = localStorage.getItem(name);
        return raw ? (JSON.parse(raw) as StorageValue<S>) : null;
      } catch {
        return null; // unreadable history starts fresh rather than breaking the app
      }
    },
    setItem: (name, value) => {
      pending = { name, value };
      timer ??= setTimeout(write, intervalMs);
    },
    removeItem: (name) => {
      pending = undefined;
      try {
        localStorage.removeItem(name);
      } catch {
        // nothing stored, nothing to remove
      }
    },
  };
}
