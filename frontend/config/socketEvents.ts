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

export const SOCKET_PATHS = {
  chat: (ticketId: string) => `/ws/chat/${ticketId}/`,
  notifications: () => `/ws/notifications/`,
};
