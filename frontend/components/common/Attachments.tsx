"use client";
import { errorMessage } from "@/lib/serverText";
import { useRef, useState } from "react";
import { Download, Paperclip, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Progress } from "@/components/ui/progress";
import { Badge } from "@/components/ui/badge";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useAttachments, useDownloadAttachment, useUploadAttachment } from "@/hooks/useTickets";
import { useI18n } from "@/hooks/useI18n";
import { checkUploadFile } from "@/lib/validation";
import { formatBytes, newClientId } from "@/lib/helpers";
import { toApiError } from "@/lib/errors";
import { newIdempotencyKey } from "@/services/api/idempotency";

export interface QueuedFile {
  key: string;
  file: File;
  progress: number;
  error?: string;
  done?: boolean;
}

/** Picks files and checks them on the client (size, type) before anything is sent. */
export function FilePicker({ files, onChange, disabled }: { files: QueuedFile[]; onChange: (files: QueuedFile[]) => void; disabled?: boolean }) {
  const { t } = useI18n();
  const inputRef = useRef<HTMLInputElement>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const add = (list: FileList | null) => {
    if (!list) return;
    const accepted: QueuedFile[] = [];
    const refused: string[] = [];
    for (const file of Array.from(list)) {
      const problem = checkUploadFile(file);
      if (problem === "too_large") refused.push(`${file.name} ${t("ticket.fileTooLarge")}`);
      else if (problem === "bad_type") refused.push(`${file.name} ${t("ticket.fileTypeRefused")}`);
      else accepted.push({ key: newClientId(), file, progress: 0 });
    }
    setProblems(refused);
    onChange([...files, ...accepted]);
    if (inputRef.current) inputRef.current.value = "";
  };
  return (
    <div className="grid gap-2">
      <label htmlFor="attachment-input" className="text-sm font-medium">
        {t("ticket.attachments")}
      </label>
      <input
        ref={inputRef}
        id="attachment-input"
        type="file"
        multiple
        disabled={disabled}
        onChange={(e) => add(e.target.files)}
        className="text-sm file:me-3 file:rounded-md file:border file:border-input file:bg-background file:px-3 file:py-1.5"
        aria-describedby="attachment-hint"
      />
      <p id="attachment-hint" className="text-xs text-muted-foreground">
        {t("attachment.types")}
      </p>
      {problems.map((p) => (
        <p key={p} role="alert" className="text-xs text-destructive">
          {p}
        </p>
      ))}
      <UploadList files={files} onRemove={disabled ? undefined : (key) => onChange(files.filter((f) => f.key !== key))} />
    </div>
  );
}

export function UploadList({ files, onRemove }: { files: QueuedFile[]; onRemove?: (key: string) => void }) {
  const { t } = useI18n();
  if (!files.length) return null;
  return (
    <ul className="space-y-2" data-testid="upload-list">
      {files.map((f) => (
        <li key={f.key} className="rounded-md border p-2 text-sm">
          <div className="flex items-center justify-between gap-2">
            <span className="flex min-w-0 items-center gap-1 truncate">
              <Paperclip className="h-3 w-3 shrink-0" aria-hidden /> {f.file.name}
              <span className="text-xs text-muted-foreground">({formatBytes(f.file.size)})</span>
            </span>
            {onRemove && !f.done && (
              <Button variant="ghost" size="sm" aria-label={`${t("attachment.remove")} ${f.file.name}`} onClick={() => onRemove(f.key)}>
                <X aria-hidden />
              </Button>
            )}
          </div>
          <Progress value={f.progress * 100} label={`${t("attachment.upload")} ${f.file.name}`} className="mt-1" />
          {f.error && (
            <p role="alert" className="mt-1 text-xs text-destructive">
              {f.error}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Uploads queued files one after the other, reporting progress per file. */
export function useQueuedUploads() {
  const upload = useUploadAttachment();
  const [files, setFiles] = useState<QueuedFile[]>([]);
  // One Idempotency-Key per queued file, kept for every retry of it (a lost answer is not a second copy).
  const keys = useRef(new Map<string, string>());
  /** Uploads the files not yet stored; `keyFor` gives each file's key (default: one per file, kept here). */
  const run = async (ticketId: string, keyFor?: (fileKey: string) => string): Promise<boolean> => {
    let ok = true;
    for (const queued of files) {
      if (queued.done) continue;
      const key = keyFor?.(queued.key) ?? keys.current.get(queued.key) ?? newIdempotencyKey();
      keys.current.set(queued.key, key);
      try {
        await upload.mutateAsync({
          ticketId,
          key,
          file: queued.file,
          onProgress: (progress) => setFiles((prev) => prev.map((f) => (f.key === queued.key ? { ...f, progress } : f))),
        });
        setFiles((prev) => prev.map((f) => (f.key === queued.key ? { ...f, progress: 1, done: true, error: undefined } : f)));
      } catch (error) {
        ok = false;
        setFiles((prev) => prev.map((f) => (f.key === queued.key ? { ...f, error: errorMessage(error) } : f)));
      }
    }
    return ok;
  };
  return { files, setFiles, run, uploading: upload.isPending };
}

const DOWNLOADABLE = new Set(["clean", "ready"]);
const HINTED = new Set(["pending", "scanning", "unscanned", "infected", "failed"]);

/** The server says whether a file may be downloaded (`downloadable`); without it, only clean files. */
export function canDownload(a: { status: string; downloadable?: boolean }): boolean {
  return a.downloadable ?? DOWNLOADABLE.has(a.status);
}

export function AttachmentList({ ticketId, canUpload }: { ticketId: string; canUpload: boolean }) {
  const { t } = useI18n();
  const attachments = useAttachments(ticketId);
  const download = useDownloadAttachment();
  const uploads = useQueuedUploads();
  return (
    <div className="space-y-3" data-testid="attachments">
      {attachments.isLoading ? (
        <SkeletonRows rows={2} />
      ) : attachments.error ? (
        <p className="text-sm text-muted-foreground">{errorMessage(attachments.error)}</p>
      ) : !attachments.data?.length ? (
        <p className="text-sm text-muted-foreground">{t("common.empty")}</p>
      ) : (
        <ul className="space-y-2">
          {attachments.data.map((a) => (
            <li key={a.id} className="flex flex-wrap items-center justify-between gap-2 rounded-md border p-2 text-sm" data-testid="attachment">
              <span className="flex min-w-0 items-center gap-1 truncate">
                <Paperclip className="h-3 w-3 shrink-0" aria-hidden /> {a.original_name}
                <span className="text-xs text-muted-foreground">({formatBytes(a.size)})</span>
              </span>
              <span className="flex items-center gap-2">
                <Badge
                  variant={a.status === "infected" || a.status === "failed" ? "destructive" : DOWNLOADABLE.has(a.status) ? "success" : "outline"}
                  title={a.scan_note ?? undefined}
                  data-testid="attachment-status"
                >
                  {t(`attachment.status.${a.status}`) === `attachment.status.${a.status}` ? a.status : t(`attachment.status.${a.status}`)}
                </Badge>
                {canDownload(a) && (
                  <Button
                    size="sm"
                    variant="outline"
                    disabled={download.isPending}
                    onClick={() => download.mutate(a)}
                    aria-label={`${t("attachment.download")} ${a.original_name}`}
                  >
                    <Download aria-hidden />
                  </Button>
                )}
              </span>
              {HINTED.has(a.status) && (
                <p className="w-full text-xs text-muted-foreground" data-testid="attachment-hint">
                  {t(`attachment.hint.${a.status}`)}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {canUpload && (
        <div className="space-y-2">
          <FilePicker files={uploads.files} onChange={uploads.setFiles} disabled={uploads.uploading} />
          {uploads.files.some((f) => !f.done) && (
            <Button size="sm" onClick={() => void uploads.run(ticketId)} disabled={uploads.uploading} data-testid="upload-files">
              {t("ticket.addFiles")}
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
