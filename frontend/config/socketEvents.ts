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
  notificationNew: "notification.new",
  notificationCount: "notification.count",
} as const;

export const SOCKET_PATHS = {
  chat: (ticketId: string) => `/ws/chat/${ticketId}/`,
  notifications: () => `/ws/notifications/`,
};
