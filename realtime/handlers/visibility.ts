// set_visibility: the client's inbox is open and visible (or not: hidden tab, minimised window).
// Kept on the socket, where the unread-email job asks for it through the adapter: a recipient who
// is looking at the inbox gets no email.
import { onClientEvent, type HandlerDeps, type RealtimeSocket } from '../context';

export function createVisibilityHandlers(deps: HandlerDeps) {
  return (socket: RealtimeSocket) => {
    onClientEvent(deps, socket, 'set_visibility', async ({ visible }) => {
      socket.data.visible = visible;
      return { visible };
    });
  };
}
