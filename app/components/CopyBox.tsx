import { useState } from "react";
import { t } from "~/i18n";

/** A secret or link shown once, with a copy button whose result is announced. */
export function CopyBox({ id, text, copyLabel }: { id: string; text: string; copyLabel: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-row">
      <p className="copy-box" id={id}>
        <code>{text}</code>
      </p>
      <button
        type="button"
        className="button"
        aria-describedby={id}
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => setCopied(true));
        }}
      >
        {copyLabel}
      </button>
      <span role="status" className="muted">
        {copied ? t.common.copied : ""}
      </span>
    </div>
  );
}
