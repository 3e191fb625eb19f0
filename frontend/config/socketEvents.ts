/** Frame types of DESIGN §5. */
export const SOCKET_EVENTS = {
  messageNew: "message.new",
  messageEdited: "message.edited",
  messageSend: "message.send",
  typing: "typing",
  presence: "presence",
  ticketUpdated: "ticket.updated",
  subticketCreated: "subticket.created",
  attachmentReady: "attachment.ready",
  sync: "sync",
  error: "error",
  notificationNew: "notification.new",
  notificationRead: "notification.read",
  notificationsUnread: "notifications.unread",
} as const;

/** Close codes the server ends a socket with (docs/realtime.md, "Close codes"). */
export const SOCKET_CLOSE = {
  /** The access token expired or no longer names an active user: refresh and reconnect. */
  tokenInvalid: 4401,
  /** The user can no longer see the ticket: do not reconnect. */
  accessLost: 4403,
  /** The ticket was deleted: do not reconnect. */
  ticketGone: 4404,
} as const;

export const SOCKET_PATHS = {
  chat: (ticketId: string) => `/ws/chat/${ticketId}/`,
  notifications: () => `/ws/notifications/`,
};
