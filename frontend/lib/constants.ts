/** The UI refuses files above this size before uploading (DESIGN §6: "UI says 250 MB"). */
export const MAX_UPLOAD_BYTES = 250 * 1024 * 1024;

export const ALLOWED_EXTENSIONS = [
  "pdf", "txt", "docx", "xlsx", "jpg", "jpeg", "png", "gif", "mp4", "mov", "mkv", "avi",
] as const;

export const PAGE_SIZE = 20;

export const CATEGORIES = [
  "hardware", "software", "network", "building", "electrical", "furniture", "payment", "reimbursement", "other",
] as const;

export const SESSION_STORAGE_KEY = "hdms-session";
export const DRAFT_STORAGE_KEY = "hdms-new-request-draft";
