import type { components } from "@/types/api.gen";

type Schemas = components["schemas"];

/** What the ai service suggested for a text or a ticket under review (DESIGN §12). */
export type Triage = Schemas["TriageOut"];
/** An open ticket that looks like the text, with the cosine score the server computed. */
export type SimilarTicket = Schemas["SimilarTicket"];
/** A trained model version with its training size and held-out metrics. */
export type ModelVersion = Schemas["ModelVersionOut"];
export type ModelList = Schemas["ModelListOut"];
/** Per department: suggestions on or off, and its held-out precision and recall. */
export type AiDepartment = Schemas["DepartmentSettingOut"];

/** Held-out metrics of one label set (departments or categories), as the server stores them. */
export interface LabelMetrics {
  held_out?: number;
  abstention_rate?: number;
  top1_accuracy_answered?: number | null;
  top3_accuracy_answered?: number | null;
  macro_f1?: number;
  calibration_error?: number;
  brier_top1?: number | null;
  per_label?: Record<string, { precision: number; recall: number; support: number }>;
}
