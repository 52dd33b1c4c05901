import { isOwnPage } from './window';

/**
 * The one IPC channel of the app: the renderer asks the main process where the daemon is and for
 * its token. Over IPC rather than the renderer's command line, which every local user can read
 * (`ps`), and answered only to the sender `isTrustedSender` accepts.
 */
export const CONNECTION_CHANNEL = 'rbees:connection';

/** What the main process answers on CONNECTION_CHANNEL. */
export interface RendererConfig {
  apiBase: string;
  token: string;
}

/** What the main process knows of an IPC message's sender (from `event.senderFrame`). */
export interface SenderFacts {
  /** The sending frame's URL; undefined when the frame is gone. */
  url: string | undefined;
  /** The frame has no parent: the page itself, not an iframe in it. */
  topFrame: boolean;
  /** The message came from our own window's web contents. */
  ownWindow: boolean;
}

/**
 * As VS Code validates its IPC senders: only our own window's top frame, showing a page of the
 * daemon's own origin, gets the token. An iframe (model output is rendered as markdown), another
 * origin the window was somehow led to, or a file:// page gets nothing.
 */
export function isTrustedSender(sender: SenderFacts, apiBase: string): boolean {
  return (
    sender.ownWindow &&
    sender.topFrame &&
    sender.url !== undefined &&
    isOwnPage(sender.url, apiBase)
  );
}
