import { getClient } from '../api/connection';
import { useConnectionStore } from '../api/use-connection-store';
import { useModelsStore } from '../models/use-models-store';
import { createStreamDriver } from './stream-driver';
import { useChatStore } from './use-chat-store';

/** The page's one stream driver, wired to the real client and stores. */
export const chatDriver = createStreamDriver({
  store: useChatStore,
  client: getClient,
  onSettled: (error) => {
    const connection = useConnectionStore.getState();
    if (error) connection.report(error);
    else connection.reachable();
    // A reply loads the model (or its failure says why): the models' "loaded" marks change.
    void useModelsStore.getState().refresh();
  },
});
