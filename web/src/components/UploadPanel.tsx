import { FileUp, UploadCloud, X } from 'lucide-react';
import { useRef, useState, type DragEvent } from 'react';
import { errorMessage } from '../api/client';
import { ACCEPTED_UPLOADS, uploadFile } from '../api/dataSources';
import type { DataSource } from '../api/types';
import { formatBytes } from '../lib/format';
import { Alert } from './Alert';
import { Field } from './Field';
import { ProgressBar } from './ProgressBar';

export function baseName(filename: string): string {
  return filename.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim() || filename;
}

/** Drag-and-drop or pick a file, name it, and upload it with a real byte progress bar. */
export function UploadPanel({ onUploaded }: { onUploaded: (ds: DataSource) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [sheet, setSheet] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [processing, setProcessing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const abortRef = useRef<AbortController | null>(null);

  function pick(f: File | undefined | null) {
    if (!f) return;
    setError(null);
    const ext = f.name.includes('.') ? f.name.slice(f.name.lastIndexOf('.')).toLowerCase() : '';
    if (!ACCEPTED_UPLOADS.includes(ext)) {
      setError(`“${f.name}” is not a supported file. Use ${ACCEPTED_UPLOADS.join(', ')}.`);
      return;
    }
    setFile(f);
    setName(baseName(f.name));
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    pick(e.dataTransfer.files?.[0]);
  }

  async function upload() {
    if (!file) return;
    setError(null);
    setProgress(0);
    setProcessing(false);
    const ctrl = new AbortController();
    abortRef.current = ctrl;
    try {
      const ds = await uploadFile(file, name.trim() || baseName(file.name), {
        sheet: sheet.trim() || undefined,
        signal: ctrl.signal,
        onProgress: (f) => {
          setProgress(f);
          if (f >= 1) setProcessing(true);
        },
      });
      setFile(null);
      setName('');
      setSheet('');
      if (inputRef.current) inputRef.current.value = '';
      onUploaded(ds);
    } catch (e) {
      setError(ctrl.signal.aborted ? 'Upload cancelled.' : errorMessage(e, 'The upload failed.'));
    } finally {
      setProgress(null);
      setProcessing(false);
      abortRef.current = null;
    }
  }

  const uploading = progress !== null;
  const isXlsx = file?.name.toLowerCase().endsWith('.xlsx');

  return (
    <section aria-labelledby="upload-title" className="card">
      <h2 id="upload-title" className="mb-3 font-semibold">
        Upload a file
      </h2>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`flex flex-col items-center justify-center rounded-xl border-2 border-dashed px-4 py-8 text-center transition-colors ${
          dragging ? 'border-brand-500 bg-brand-50' : 'border-slate-300 bg-slate-50'
        }`}
      >
        <UploadCloud size={32} className="text-slate-400" aria-hidden />
        <p className="mt-2 text-sm text-slate-700">
          Drag and drop a file here, or{' '}
          <button type="button" className="link" onClick={() => inputRef.current?.click()} disabled={uploading}>
            choose a file
          </button>
        </p>
        <p className="mt-1 text-xs text-slate-500">CSV, TSV, TXT, Excel (.xlsx) or JSON</p>
        <label htmlFor="upload-file" className="sr-only">
          File to upload
        </label>
        <input
          id="upload-file"
          ref={inputRef}
          type="file"
          className="sr-only"
          accept={ACCEPTED_UPLOADS.join(',')}
          onChange={(e) => pick(e.target.files?.[0])}
          disabled={uploading}
          tabIndex={-1}
        />
      </div>

      {file && (
        <div className="mt-4 space-y-3">
          <div className="flex items-center gap-2 text-sm">
            <FileUp size={16} className="text-slate-500" aria-hidden />
            <span className="min-w-0 flex-1 truncate font-medium">{file.name}</span>
            <span className="text-slate-500">{formatBytes(file.size)}</span>
            {!uploading && (
              <button type="button" className="btn-ghost btn-sm" aria-label="Remove file" onClick={() => setFile(null)}>
                <X size={14} aria-hidden />
              </button>
            )}
          </div>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} disabled={uploading} />
            {isXlsx && <Field label="Sheet (optional)" value={sheet} onChange={(e) => setSheet(e.target.value)} disabled={uploading} hint="Leave empty for the first sheet." />}
          </div>
          {uploading ? (
            <div className="space-y-2">
              <ProgressBar value={progress ?? 0} label={processing ? 'Uploaded — processing on the server…' : 'Uploading'} />
              {!processing && (
                <button type="button" className="btn-secondary btn-sm" onClick={() => abortRef.current?.abort()}>
                  Cancel
                </button>
              )}
            </div>
          ) : (
            <button type="button" className="btn-primary" onClick={upload}>
              Upload
            </button>
          )}
        </div>
      )}
      {error && (
        <div className="mt-3">
          <Alert>{error}</Alert>
        </div>
      )}
    </section>
  );
}
