import { z } from "zod";
import { MAX_UPLOAD_BYTES, ALLOWED_EXTENSIONS } from "@/lib/constants";
import { fileExtension } from "@/lib/helpers";
import { PRIORITIES } from "@/types/ticket";
import { ROLES } from "@/types/user";

// The pages' Content-Security-Policy allows no eval (next.config.ts): zod's compiled fast path
// would probe `new Function` and be reported as a policy violation; form schemas are small.
z.config({ jitless: true });

export const loginSchema = z.object({
  employee_code: z.string().trim().min(1, "Enter your employee code"),
  password: z.string().min(1, "Enter your password"),
});
export type LoginValues = z.infer<typeof loginSchema>;

export const otpSchema = z.object({
  code: z.string().trim().regex(/^\d{4,8}$/, "Enter the digits of the code"),
});
export type OtpValues = z.infer<typeof otpSchema>;

export const newTicketSchema = z
  .object({
    title: z.string().trim().min(3, "Give the request a short title (3 characters or more)").max(200),
    description: z.string().trim().min(5, "Describe what you need (5 characters or more)").max(10000),
    department_id: z.string().optional().or(z.literal("")),
    category: z.string().optional().or(z.literal("")),
    priority: z.enum(PRIORITIES),
    amount: z
      .string()
      .trim()
      .optional()
      .or(z.literal(""))
      .refine((v) => !v || /^\d+(\.\d{1,2})?$/.test(v), "Amount must be a number, e.g. 15000 or 15000.50"),
  });
export type NewTicketValues = z.infer<typeof newTicketSchema>;

export const editTicketSchema = z.object({
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().min(5).max(10000),
  priority: z.enum(PRIORITIES),
});
export type EditTicketValues = z.infer<typeof editTicketSchema>;
/** The edit form's rules for the fields it shows (the ticket's editable_fields). */
export function editTicketSchemaFor(editable: readonly string[]) {
  const mask = Object.fromEntries(Object.keys(editTicketSchema.shape).filter((k) => editable.includes(k)).map((k) => [k, true]));
  return editTicketSchema.pick(mask as Partial<Record<keyof EditTicketValues, true>>).partial();
}

export const reasonSchema = z.object({
  reason: z.string().trim().min(3, "Give a reason (3 characters or more)").max(2000),
});
export type ReasonValues = z.infer<typeof reasonSchema>;

export const postponeSchema = reasonSchema.extend({
  until: z
    .string()
    .min(1, "Pick a date")
    .refine((v) => !Number.isNaN(Date.parse(v)) && Date.parse(v) > Date.now() - 86_400_000, "Pick a date from today on"),
});
export type PostponeValues = z.infer<typeof postponeSchema>;

export const assignSchema = z.object({
  department_id: z.string().min(1, "Choose a department"),
  assignee_id: z.string().min(1, "Choose an assignee"),
});
export type AssignValues = z.infer<typeof assignSchema>;

export const splitSchema = z.object({
  items: z
    .array(
      z.object({
        department_id: z.string().min(1, "Choose a department"),
        assignee_id: z.string().min(1, "Choose an assignee"),
        title: z.string().trim().max(200).optional(),
      }),
    )
    .min(2, "Split into two departments or more")
    .refine(
      (items) => new Set(items.map((i) => i.department_id)).size === items.length,
      "One sub-ticket per department",
    ),
});
export type SplitValues = z.infer<typeof splitSchema>;

export const ratingSchema = z.object({
  score: z.coerce.number().int().min(1, "Choose 1 to 5").max(5),
  comment: z.string().trim().max(2000).optional(),
});
export type RatingValues = z.infer<typeof ratingSchema>;

export const userSchema = z.object({
  employee_code: z.string().trim().min(1, "Required"),
  full_name: z.string().trim().min(1, "Required"),
  email: z.string().trim().email("Enter a valid email"),
  role: z.enum(ROLES),
  department_id: z.string().optional().or(z.literal("")),
  is_approver: z.boolean(),
  approver_kind: z.enum(["", "finance", "ceo"]),
  password: z.string().optional().or(z.literal("")),
});
export type UserValues = z.infer<typeof userSchema>;

export const departmentSchema = z.object({
  code: z.string().trim().min(1, "Required").max(20),
  name: z.string().trim().min(1, "Required").max(120),
});
export type DepartmentValues = z.infer<typeof departmentSchema>;

export const messageSchema = z.object({
  body: z.string().trim().min(1).max(5000),
});

/** Client-side file check before any byte is sent; the server checks the content again. */
export function checkUploadFile(file: { name: string; size: number }): "too_large" | "bad_type" | null {
  if (file.size > MAX_UPLOAD_BYTES) return "too_large";
  const ext = fileExtension(file.name);
  if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(ext)) return "bad_type";
  return null;
}
