/**
 * Everything a server says, in the reader's language (DESIGN §9, issue 13): notifications, errors,
 * field errors and history entries are rendered from their machine `kind`/`code` + `params`, never
 * from the server's English `title`/`detail`. The server's vocabulary is lib/server-vocabulary.json
 * (exported and checked by the backend); tests/unit/serverText.test.ts checks every entry has
 * English and Urdu text here.
 */
import { translate, type Locale } from "@/lib/i18n";
import { toApiError } from "@/lib/errors";
import { formatDate, formatMoney } from "@/lib/helpers";
import { useUiStore } from "@/store/uiStore";

type Params = Record<string, unknown>;
type Table = Record<string, string>;

// ---------------------------------------------------------------- notifications (kind + params)

const NOTIFICATION_EN: Table = {
  message: "New message on {number}",
  mention: "You were mentioned on {number}",
  "ticket.submitted": "New ticket {number}",
  "ticket.assigned": "{number} was assigned to you",
  "ticket.reassigned": "{number} was reassigned",
  "ticket.status": "{number} is now {status}",
  "ticket.resolved": "{number} was resolved",
  "ticket.reopened": "{number} was reopened",
  "ticket.closed": "{number} was closed",
  "ticket.rejected": "{number} was rejected",
  "ticket.withdrawn": "{number} was withdrawn",
  "ticket.rated": "{number} was rated {score}/5",
  "ticket.priority_changed": "{number} priority is now {priority}",
  "ticket.participant_added": "You were added to {number}",
  "ticket.postponed_reminder": "{number} is still postponed",
  "ticket.auto_close_warning": "{number} will close automatically soon",
  "ticket.merged": "{number} was merged into {target_number}",
  "approval.requested": "Approval needed for {number}",
  "approval.approved": "{number} was approved",
  "approval.rejected": "Approval for {number} was refused",
  "sla.warning": "{number} is close to its SLA deadline",
  "sla.breached": "{number} missed its SLA deadline",
  "attachment.infected": "A file was found infected and blocked",
  "attachment.conversion_failed": "A file could not be converted",
  "job.dead_letter": "A background task failed",
  "ops.backup": "Backup report",
};

const NOTIFICATION_UR: Table = {
  message: "ٹکٹ {number} پر نیا پیغام",
  mention: "ٹکٹ {number} پر آپ کو مخاطب کیا گیا",
  "ticket.submitted": "نیا ٹکٹ {number}",
  "ticket.assigned": "ٹکٹ {number} آپ کو تفویض کیا گیا",
  "ticket.reassigned": "ٹکٹ {number} کسی اور کو تفویض کیا گیا",
  "ticket.status": "ٹکٹ {number} کی حالت اب: {status}",
  "ticket.resolved": "ٹکٹ {number} حل ہو گیا",
  "ticket.reopened": "ٹکٹ {number} دوبارہ کھولا گیا",
  "ticket.closed": "ٹکٹ {number} بند ہو گیا",
  "ticket.rejected": "ٹکٹ {number} مسترد کر دیا گیا",
  "ticket.withdrawn": "ٹکٹ {number} واپس لے لیا گیا",
  "ticket.rated": "ٹکٹ {number} کی درجہ بندی: {score}/5",
  "ticket.priority_changed": "ٹکٹ {number} کی ترجیح اب: {priority}",
  "ticket.participant_added": "آپ کو ٹکٹ {number} میں شامل کیا گیا",
  "ticket.postponed_reminder": "ٹکٹ {number} ابھی تک ملتوی ہے",
  "ticket.auto_close_warning": "حل شدہ ٹکٹ {number} جلد خود بند ہو جائے گا",
  "ticket.merged": "ٹکٹ {number} کو ٹکٹ {target_number} میں ضم کر دیا گیا",
  "approval.requested": "ٹکٹ {number} کے لیے آپ کی منظوری درکار ہے",
  "approval.approved": "ٹکٹ {number} منظور ہو گیا",
  "approval.rejected": "ٹکٹ {number} کی منظوری مسترد ہوئی",
  "sla.warning": "ٹکٹ {number} SLA کی حد کے قریب ہے",
  "sla.breached": "ٹکٹ {number} SLA کی حد سے تجاوز کر گیا",
  "attachment.infected": "ایک فائل میں وائرس ملا اور اسے روک دیا گیا",
  "attachment.conversion_failed": "ایک فائل تبدیل نہیں ہو سکی",
  "job.dead_letter": "ایک پس منظر کا کام ناکام ہوا",
  "ops.backup": "بیک اپ کی رپورٹ",
};

// ---------------------------------------------------------------- error codes (§4)

const ERROR_EN: Table = {
  validation_error: "Some of what you entered is not valid.",
  not_authenticated: "Please sign in again.",
  token_invalid: "Your session has ended; please sign in again.",
  forbidden: "You are not allowed to do this.",
  not_found: "This was not found, or you cannot see it.",
  version_conflict: "Someone else changed this meanwhile; reload and try again.",
  invalid_transition: "This action is not possible in the ticket's current state.",
  file_too_large: "The file is too large.",
  unsupported_file_type: "This file type is not allowed.",
  rate_limited: "Too many requests; wait a moment and try again.",
  account_locked: "Too many failed sign-ins; the account is locked for a while.",
  service_unavailable: "The help desk is busy or partly down; try again shortly.",
  server_error: "Something went wrong on the server; try again.",
  network_error: "The server could not be reached. Check your connection and try again.",
  client_error: "Something went wrong; try again.",
};

const ERROR_UR: Table = {
  validation_error: "درج کی گئی کچھ معلومات درست نہیں۔",
  not_authenticated: "براہ کرم دوبارہ سائن اِن کریں۔",
  token_invalid: "آپ کا سیشن ختم ہو گیا؛ براہ کرم دوبارہ سائن اِن کریں۔",
  forbidden: "آپ کو یہ کرنے کی اجازت نہیں۔",
  not_found: "یہ نہیں ملا، یا آپ اسے نہیں دیکھ سکتے۔",
  version_conflict: "اس دوران کسی اور نے اسے بدل دیا؛ دوبارہ لوڈ کر کے کوشش کریں۔",
  invalid_transition: "ٹکٹ کی موجودہ حالت میں یہ عمل ممکن نہیں۔",
  file_too_large: "فائل بہت بڑی ہے۔",
  unsupported_file_type: "اس قسم کی فائل کی اجازت نہیں۔",
  rate_limited: "بہت زیادہ درخواستیں؛ تھوڑی دیر بعد کوشش کریں۔",
  account_locked: "بہت زیادہ ناکام کوششیں؛ اکاؤنٹ کچھ دیر کے لیے بند ہے۔",
  service_unavailable: "ہیلپ ڈیسک مصروف ہے یا جزوی طور پر بند ہے؛ تھوڑی دیر بعد کوشش کریں۔",
  server_error: "سرور پر کچھ غلط ہو گیا؛ دوبارہ کوشش کریں۔",
  network_error: "سرور سے رابطہ نہیں ہو سکا۔ اپنا کنکشن دیکھ کر دوبارہ کوشش کریں۔",
  client_error: "کچھ غلط ہو گیا؛ دوبارہ کوشش کریں۔",
};

// ---------------------------------------------------------------- field error codes

const FIELD_EN: Table = {
  required: "{field} is required.",
  too_short: "{field} must be at least {min} characters.",
  too_long: "{field} must be at most {max} characters.",
  too_small: "{field} must be at least {min}.",
  too_large: "{field} must be at most {max}.",
  invalid_format: "{field} is not in the right format.",
  invalid_id: "{field} does not name a valid record.",
  not_a_number: "{field} must be a number.",
  invalid_date: "{field} must be a valid date.",
  invalid_choice: "{field} is not one of the allowed choices.",
  unknown_field: "{field} is not accepted here.",
  not_found: "{field} was not found.",
  taken: "{field} is already taken.",
  must_be_future: "{field} must be in the future.",
  empty_file: "The file is empty.",
  invalid: "{field} is not valid.",
};

const FIELD_UR: Table = {
  required: "{field} لازمی ہے۔",
  too_short: "{field} کم از کم {min} حروف کا ہونا چاہیے۔",
  too_long: "{field} زیادہ سے زیادہ {max} حروف کا ہو سکتا ہے۔",
  too_small: "{field} کم از کم {min} ہونا چاہیے۔",
  too_large: "{field} زیادہ سے زیادہ {max} ہو سکتا ہے۔",
  invalid_format: "{field} درست شکل میں نہیں۔",
  invalid_id: "{field} کسی درست ریکارڈ کی نشاندہی نہیں کرتا۔",
  not_a_number: "{field} ایک عدد ہونا چاہیے۔",
  invalid_date: "{field} ایک درست تاریخ ہونی چاہیے۔",
  invalid_choice: "{field} اجازت شدہ انتخاب میں سے نہیں۔",
  unknown_field: "{field} یہاں قبول نہیں۔",
  not_found: "{field} نہیں ملا۔",
  taken: "{field} پہلے سے استعمال میں ہے۔",
  must_be_future: "{field} آئندہ وقت کا ہونا چاہیے۔",
  empty_file: "فائل خالی ہے۔",
  invalid: "{field} درست نہیں۔",
};

// Words for the fields the server names (never "payload.first_response_minutes").
const FIELD_NAME_EN: Table = {
  title: "Title", description: "Description", department_id: "Department", assignee_id: "Assignee",
  priority: "Priority", amount: "Amount", due_at: "Due date", category: "Category", reason: "Reason",
  until: "Postpone until", resolution: "Resolution note", score: "Rating", comment: "Comment", body: "Message",
  file: "File", password: "Password", employee_code: "Employee code", full_name: "Full name", email: "Email",
  role: "Role", approver_kind: "Approver type", code: "Code", name: "Name", phone: "Phone",
  first_response_minutes: "First response time", resolution_minutes: "Resolution time", date: "Date",
  version: "Version", language: "Language", message_id: "Message", items: "Sub-tickets",
  department: "Department", is_approver: "Approver", is_active: "Active",
  category_id: "Request form", into_id: "Ticket to merge into", to_id: "Ticket to link", canned_id: "Canned reply",
  name_en: "Name (English)", name_ur: "Name (Urdu)", label_en: "Label (English)", label_ur: "Label (Urdu)",
  key: "Key", choices: "Choices",
};

const FIELD_NAME_UR: Table = {
  title: "عنوان", description: "تفصیل", department_id: "شعبہ", assignee_id: "ذمہ دار", priority: "ترجیح",
  amount: "رقم", due_at: "آخری تاریخ", category: "زمرہ", reason: "وجہ", until: "ملتوی تا", resolution: "حل کا نوٹ",
  score: "درجہ بندی", comment: "تبصرہ", body: "پیغام", file: "فائل", password: "پاس ورڈ", employee_code: "ملازم کوڈ",
  full_name: "پورا نام", email: "ای میل", role: "کردار", approver_kind: "منظور کنندہ کی قسم", code: "کوڈ", name: "نام",
  phone: "فون", first_response_minutes: "پہلے جواب کا وقت", resolution_minutes: "حل کا وقت", date: "تاریخ",
  version: "ورژن", language: "زبان", message_id: "پیغام", items: "ذیلی ٹکٹ",
  department: "شعبہ", is_approver: "منظور کنندہ", is_active: "فعال",
  category_id: "درخواست فارم", into_id: "جس ٹکٹ میں ضم کرنا ہے", to_id: "جوڑنے والا ٹکٹ", canned_id: "تیار جواب",
  name_en: "نام (انگریزی)", name_ur: "نام (اردو)", label_en: "عنوان (انگریزی)", label_ur: "عنوان (اردو)",
  key: "کلید", choices: "اختیارات",
};

// ---------------------------------------------------------------- history / audit kinds

const HISTORY_EN: Table = {
  "ticket.create": "Created", "ticket.update": "Edited", "ticket.submit": "Submitted", "ticket.withdraw": "Withdrawn",
  "ticket.reject": "Rejected", "ticket.request_approval": "Sent for approval", "ticket.approve": "Approved",
  "ticket.approval_reject": "Approval refused", "ticket.assign": "Assigned", "ticket.reassign": "Reassigned",
  "ticket.start": "Work started", "ticket.postpone": "Postponed", "ticket.resume": "Resumed",
  "ticket.resolve": "Resolved", "ticket.reopen": "Reopened", "ticket.close": "Confirmed and closed",
  "ticket.rate": "Rated", "ticket.split": "Split into sub-tickets", "ticket.delete": "Deleted",
  "ticket.participant_add": "Participant added", "ticket.sla_breach": "SLA deadline missed",
  "ticket.sla_near_breach": "SLA deadline near",
  "ticket.merge": "Merged into another ticket", "ticket.merged_in": "A duplicate was merged in",
  "ticket.link": "Linked to another ticket", "ticket.unlink": "Link removed",
  "category.create": "Request form created", "category.update": "Request form edited",
  "category.delete": "Request form deleted",
  "attachment.uploaded": "File uploaded", "attachment.downloaded": "File downloaded",
  "attachment.infected": "Infected file blocked", "attachment.refused": "File refused",
  "attachment.scan_failed": "File scan failed",
  "auth.login": "Signed in", "auth.login_failed": "Sign-in failed", "auth.logout": "Signed out",
  "auth.otp_failed": "Wrong one-time code", "auth.refresh_reuse": "Reused session token blocked",
  "auth.sessions_revoked": "Sessions ended", "auth.session_revoked": "Session ended", "auth.locked": "Account locked",
  "auth.password_changed": "Password changed", "auth.password_reset": "Password reset",
  "auth.password_reset_requested": "Password reset requested", "auth.otp_enabled": "Two-step sign-in on",
  "auth.otp_disabled": "Two-step sign-in off", "user.unlock": "Account unlocked",
  "users.account_settings": "Account settings changed",
  "user.create": "User created", "user.update": "User edited", "user.delete": "User deleted",
  "user.import": "Users imported", "user.role_change": "Role changed", "user.sms_sync": "Users synced from SMS",
  "department.create": "Department created", "department.update": "Department edited",
  "department.delete": "Department deleted", "desk.settings_update": "Desk settings changed",
  "sla.policy_set": "SLA policy set", "sla.policy_update": "SLA policy edited", "sla.policy_delete": "SLA policy deleted",
  "sla.holiday_add": "Holiday added", "sla.holiday_delete": "Holiday removed",
  "backup.succeeded": "Backup made", "backup.failed": "Backup failed", "backup.drill_passed": "Restore drill passed",
  "backup.drill_failed": "Restore drill failed", "job.dead_letter_replayed": "Failed task replayed",
  "ai.feedback": "Suggestion accepted or overridden", "ai.train_requested": "Model training requested",
  "ai.model_trained": "Model trained", "ai.model_activated": "Model version served",
  "ai.department_switch": "Suggestion settings of a department changed",
  "kb.article_create": "Article written", "kb.article_update": "Article edited", "kb.article_delete": "Article deleted",
};

const HISTORY_UR: Table = {
  "ticket.create": "بنایا گیا", "ticket.update": "ترمیم کی گئی", "ticket.submit": "جمع کرایا گیا",
  "ticket.withdraw": "واپس لیا گیا", "ticket.reject": "مسترد کیا گیا", "ticket.request_approval": "منظوری کے لیے بھیجا گیا",
  "ticket.approve": "منظور کیا گیا", "ticket.approval_reject": "منظوری سے انکار", "ticket.assign": "تفویض کیا گیا",
  "ticket.reassign": "دوبارہ تفویض کیا گیا", "ticket.start": "کام شروع ہوا", "ticket.postpone": "ملتوی کیا گیا",
  "ticket.resume": "دوبارہ شروع کیا گیا", "ticket.resolve": "حل کیا گیا", "ticket.reopen": "دوبارہ کھولا گیا",
  "ticket.close": "تصدیق کے بعد بند", "ticket.rate": "درجہ بندی کی گئی", "ticket.split": "ذیلی ٹکٹوں میں تقسیم",
  "ticket.delete": "حذف کیا گیا", "ticket.participant_add": "شریک شامل کیا گیا", "ticket.sla_breach": "SLA کی حد گزر گئی",
  "ticket.sla_near_breach": "SLA کی حد قریب",
  "ticket.merge": "دوسرے ٹکٹ میں ضم کیا گیا", "ticket.merged_in": "ایک دہرا ٹکٹ اس میں ضم کیا گیا",
  "ticket.link": "دوسرے ٹکٹ سے جوڑا گیا", "ticket.unlink": "ربط ہٹایا گیا",
  "category.create": "درخواست فارم بنایا گیا", "category.update": "درخواست فارم میں ترمیم",
  "category.delete": "درخواست فارم حذف",
  "attachment.uploaded": "فائل اپ لوڈ ہوئی", "attachment.downloaded": "فائل ڈاؤن لوڈ ہوئی",
  "attachment.infected": "متاثرہ فائل روکی گئی", "attachment.refused": "فائل مسترد", "attachment.scan_failed": "فائل کی جانچ ناکام",
  "auth.login": "سائن اِن", "auth.login_failed": "سائن اِن ناکام", "auth.logout": "سائن آؤٹ",
  "auth.otp_failed": "غلط یک بار کوڈ", "auth.refresh_reuse": "دوبارہ استعمال شدہ سیشن ٹوکن روکا گیا",
  "auth.sessions_revoked": "سیشن ختم کیے گئے", "auth.session_revoked": "سیشن ختم کیا گیا", "auth.locked": "اکاؤنٹ بند",
  "auth.password_changed": "پاس ورڈ بدلا گیا", "auth.password_reset": "پاس ورڈ دوبارہ مقرر",
  "auth.password_reset_requested": "پاس ورڈ دوبارہ مقرر کرنے کی درخواست", "auth.otp_enabled": "دو مرحلہ سائن اِن فعال",
  "auth.otp_disabled": "دو مرحلہ سائن اِن غیر فعال", "user.unlock": "اکاؤنٹ کھولا گیا",
  "users.account_settings": "اکاؤنٹ کی ترتیبات بدلی گئیں",
  "user.create": "صارف بنایا گیا", "user.update": "صارف میں ترمیم", "user.delete": "صارف حذف", "user.import": "صارفین درآمد",
  "user.role_change": "کردار بدلا گیا", "user.sms_sync": "SMS سے صارفین کی ہم آہنگی",
  "department.create": "شعبہ بنایا گیا", "department.update": "شعبے میں ترمیم", "department.delete": "شعبہ حذف",
  "desk.settings_update": "ڈیسک کی ترتیبات بدلی گئیں",
  "sla.policy_set": "SLA پالیسی مقرر", "sla.policy_update": "SLA پالیسی میں ترمیم", "sla.policy_delete": "SLA پالیسی حذف",
  "sla.holiday_add": "چھٹی شامل", "sla.holiday_delete": "چھٹی ہٹائی گئی",
  "backup.succeeded": "بیک اپ بنا", "backup.failed": "بیک اپ ناکام", "backup.drill_passed": "بحالی کی مشق کامیاب",
  "backup.drill_failed": "بحالی کی مشق ناکام", "job.dead_letter_replayed": "ناکام کام دوبارہ چلایا گیا",
  "ai.feedback": "تجویز قبول یا تبدیل کی گئی", "ai.train_requested": "ماڈل کی تربیت کی درخواست",
  "ai.model_trained": "ماڈل کی تربیت مکمل", "ai.model_activated": "ماڈل کا ورژن نافذ",
  "ai.department_switch": "شعبے کی تجاویز کی ترتیبات بدلی گئیں",
  "kb.article_create": "مضمون لکھا گیا", "kb.article_update": "مضمون میں ترمیم", "kb.article_delete": "مضمون حذف",
};

export const SERVER_TEXT: Record<Locale, { notifications: Table; errors: Table; fields: Table; history: Table; fieldNames: Table }> = {
  en: { notifications: NOTIFICATION_EN, errors: ERROR_EN, fields: FIELD_EN, history: HISTORY_EN, fieldNames: FIELD_NAME_EN },
  ur: { notifications: NOTIFICATION_UR, errors: ERROR_UR, fields: FIELD_UR, history: HISTORY_UR, fieldNames: FIELD_NAME_UR },
};

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}

function plain(params: Params): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string" || typeof value === "number") out[key] = String(value);
  }
  return out;
}

/** A snake_case word the reader must never see: "in_progress" → its translation or words. */
function words(locale: Locale, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  const text = translate(locale, key);
  return text === key ? value.replace(/_/g, " ") : text;
}

/** A notification's line in the reader's language, from its kind and params. */
export function notificationText(locale: Locale, n: { kind: string; title: string; params?: Params }): string {
  const template = SERVER_TEXT[locale].notifications[n.kind];
  const params = n.params ?? {};
  if (!template) return locale === "en" ? n.title : translate(locale, "notifications.generic");
  const values = plain(params);
  if (values.status) values.status = words(locale, "status", values.status);
  if (values.priority) values.priority = words(locale, "priority", values.priority);
  if (!values.number) return fill(template.replace(/ ?\{number\}/, ""), values).trim();
  return fill(template, values);
}

/** Extra line for a notification: a postponement's date (a date, not a time), a rating comment... */
export function notificationDetail(locale: Locale, n: { kind: string; params?: Params }): string | null {
  const until = n.params?.until;
  if (typeof until === "string" && /^\d{4}-\d{2}-\d{2}$/.test(until)) {
    return `${translate(locale, "ticket.postponedUntil")}: ${formatDate(until, locale)}`;
  }
  const amount = n.params?.amount;
  if (typeof amount === "string" || typeof amount === "number") return formatMoney(amount, locale);
  return null;
}

/** A field's name as a person says it (an API path like "payload.items.0.title" → "Title"). */
export function fieldName(locale: Locale, field: string): string {
  const parts = field.split(".").filter((p) => !/^\d+$/.test(p) && !["body", "payload", "query", "path"].includes(p));
  const last = parts[parts.length - 1] ?? field;
  return SERVER_TEXT[locale].fieldNames[last] ?? SERVER_TEXT.en.fieldNames[last] ?? last.replace(/_/g, " ");
}

export interface FieldError {
  field: string;
  code: string;
  params: Params;
}

/** The server's field errors in a known shape (entries without a code count as "invalid"). */
export function fieldErrorsOf(raw: unknown): FieldError[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    if (!entry || typeof entry !== "object") return [];
    const e = entry as Record<string, unknown>;
    const loc = Array.isArray(e.loc) ? e.loc.map(String).join(".") : "";
    const field = typeof e.field === "string" ? e.field : loc;
    const code = typeof e.code === "string" ? e.code : "invalid";
    const params = e.params && typeof e.params === "object" ? (e.params as Params) : {};
    return [{ field, code, params }];
  });
}

/**
 * One field error in words. `units` lets a form say a limit in its own unit: the SLA form sends
 * minutes but talks in hours, so its fields pass {unit: "hours", divide: 60}.
 */
export function fieldErrorText(
  locale: Locale,
  error: FieldError,
  options: { label?: string; divide?: number; unitWord?: string } = {},
): string {
  const template = SERVER_TEXT[locale].fields[error.code] ?? SERVER_TEXT[locale].fields.invalid!;
  const values = plain(error.params);
  for (const key of ["min", "max"]) {
    const raw = error.params[key];
    if (typeof raw === "number" && options.divide) {
      values[key] = `${Math.round((raw / options.divide) * 100) / 100}${options.unitWord ? ` ${options.unitWord}` : ""}`;
    }
  }
  values.field = options.label ?? fieldName(locale, error.field);
  return fill(template, values);
}

/** What to show for a failed request: the code's sentence, then each field's error in words. */
export function errorText(locale: Locale, error: { code: string; fieldErrors?: unknown; status?: number }): string {
  const fields = fieldErrorsOf(error.fieldErrors);
  if (fields.length) return fields.slice(0, 5).map((f) => fieldErrorText(locale, f)).join(" ");
  return SERVER_TEXT[locale].errors[error.code] ?? SERVER_TEXT[locale].errors.client_error!;
}

/** A history or audit entry's headline: its kind in words, and "→ status" only for a real change. */
export function historyText(locale: Locale, entry: { kind: string; params?: Params }): string {
  const kind = entry.kind.includes(".") ? entry.kind : `ticket.${entry.kind}`;
  const label = SERVER_TEXT[locale].history[kind] ?? words(locale, "history", kind.replace(/^ticket\./, ""));
  const cause = causeText(locale, entry.params);
  const to = entry.params?.to_status;
  const status = typeof to === "string" ? words(locale, "status", to) : label;
  const head = status === label ? label : `${label} → ${status}`;
  return cause ? `${head} (${cause})` : head;
}

/** Why the desk itself changed a ticket (params.cause, audit/kinds.py SYSTEM_CAUSES), in words. */
export const CAUSES: Record<Locale, Table> = {
  en: {
    subtickets_resolved: "every sub-ticket is resolved",
    subticket_reopened: "sub-ticket {subticket} was reopened",
    auto_close: "closed automatically {days} days after resolution",
  },
  ur: {
    subtickets_resolved: "تمام ذیلی ٹکٹ حل ہو گئے",
    subticket_reopened: "ذیلی ٹکٹ {subticket} دوبارہ کھولا گیا",
    auto_close: "حل ہونے کے {days} دن بعد خود بخود بند ہوا",
  },
};

export function causeText(locale: Locale, params: Params | undefined): string | null {
  const cause = params?.cause;
  if (typeof cause !== "string") return null;
  const template = CAUSES[locale][cause];
  if (!template) return null;
  return template.replace(/\{(subticket|days)\}/g, (_m, key: string) => String(params?.[key] ?? ""));
}

/** A failed request's message in the current reader's language (toasts, inline errors). */
export function errorMessage(error: unknown, locale?: Locale): string {
  const apiError = toApiError(error);
  return errorText(locale ?? useUiStore.getState().locale, apiError);
}

/** The toast after a ticket action: "HD-000011: In progress" in the reader's language. */
export function ticketSavedText(ticket: { number: string; status: string }, locale?: Locale): string {
  const l = locale ?? useUiStore.getState().locale;
  return `${ticket.number}: ${words(l, "status", ticket.status)}`;
}

/** Why an SMS sync run failed, from its error code: the SMS could not be used (503), else the code's sentence. */
export function syncErrorText(locale: Locale, code: string | null | undefined): string {
  if (!code || code === "service_unavailable") return translate(locale, "sync.error.unavailable");
  return errorText(locale, { code });
}

/** The toast after an edit is saved: "HD-000011: Saved" / "Ali Raza: محفوظ ہو گیا". */
export function savedText(what: string, locale?: Locale): string {
  return `${what}: ${translate(locale ?? useUiStore.getState().locale, "common.saved")}`;
}

/** What an audit entry changed, one line per field, in words: "Status: Submitted → Assigned". */
export function auditChangeLines(locale: Locale, entry: { before?: Params | null; after?: Params | null }): string[] {
  const show = (key: string, v: unknown): string => {
    if (v === null || v === undefined || v === "") return "—";
    if (typeof v === "string" && (key === "status" || key === "to_status")) return words(locale, "status", v);
    if (typeof v === "string" && key === "priority") return words(locale, "priority", v);
    if (key === "amount" && (typeof v === "string" || typeof v === "number")) return formatMoney(v, locale);
    // A refusal's error code (attachment.refused) in words; any other "code" (a department's) as it is.
    if (key === "code" && typeof v === "string" && SERVER_TEXT[locale].errors[v]) return SERVER_TEXT[locale].errors[v]!;
    if (key === "cause" && typeof v === "string") return causeText(locale, { ...after, cause: v }) ?? v;
    if (typeof v === "boolean") return locale === "ur" ? (v ? "ہاں" : "نہیں") : v ? "yes" : "no";
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  };
  const label = (key: string) => (key === "status" ? translate(locale, "common.status") : fieldName(locale, key));
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = Array.from(new Set([...Object.keys(before), ...Object.keys(after)])).filter((k) => k !== "version");
  const lines: string[] = [];
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (!entry.before) {
      if (b !== null && b !== undefined && b !== "") lines.push(`${label(key)}: ${show(key, b)}`);
    } else lines.push(`${label(key)}: ${show(key, a)} → ${show(key, b)}`);
  }
  return lines;
}

/** The form checks' own messages (lib/validation.ts, written in English) in Urdu. */
export const FORM_MESSAGES_UR: Table = {
  "Amount must be a number, e.g. 15000 or 15000.50": "رقم ایک عدد ہونی چاہیے، مثلاً 15000 یا 15000.50",
  "Choose 1 to 5": "1 سے 5 تک منتخب کریں",
  "Choose a department": "شعبہ منتخب کریں",
  "Choose an assignee": "ذمہ دار منتخب کریں",
  "Describe what you need (5 characters or more)": "بتائیں کہ آپ کو کیا چاہیے (5 یا زیادہ حروف)",
  "Enter a valid email": "درست ای میل درج کریں",
  "Enter the digits of the code": "کوڈ کے ہندسے درج کریں",
  "Enter your employee code": "اپنا ملازم کوڈ درج کریں",
  "Enter your password": "اپنا پاس ورڈ درج کریں",
  "Give a reason (3 characters or more)": "وجہ بتائیں (3 یا زیادہ حروف)",
  "Give the request a short title (3 characters or more)": "درخواست کا مختصر عنوان دیں (3 یا زیادہ حروف)",
  "One sub-ticket per department": "ہر شعبے کے لیے ایک ذیلی ٹکٹ",
  "Pick a date from today on": "آج یا بعد کی تاریخ منتخب کریں",
  "Pick a date": "تاریخ منتخب کریں",
  Required: "لازمی",
  "Split into two departments or more": "دو یا زیادہ شعبوں میں تقسیم کریں",
};

/** A form check's message in the reader's language. */
export function formMessage(locale: Locale, message: string): string {
  return locale === "ur" ? (FORM_MESSAGES_UR[message] ?? message) : message;
}
